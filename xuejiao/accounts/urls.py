from django.contrib.auth import views as auth_views
from django.urls import path

from . import user_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("profile/", views.profile, name="profile"),
    path("tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("users/", user_views.users, name="users"),
    path("users/new/", user_views.create_user, name="create_user"),
    path("users/<int:pk>/", user_views.user_detail, name="user_detail"),
    path("users/<int:pk>/grant/", user_views.grant, name="grant"),
    path("users/<int:pk>/reset-password/", user_views.reset_password, name="reset_password"),
    path("users/<int:pk>/active/", user_views.set_active, name="set_active"),
    path("users/<int:pk>/person/", user_views.link_person, name="link_person"),
    path("roles/<int:pk>/revoke/", user_views.revoke, name="revoke"),
    path("audit/", user_views.audit_log, name="audit"),
]
