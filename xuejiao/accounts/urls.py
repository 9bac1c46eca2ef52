from django.contrib.auth import views as auth_views
from django.urls import path

from .views import account, users

app_name = "accounts"
urlpatterns = [
    path("login/", account.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", account.password_change, name="password_change"),
    path("profile/", account.profile, name="profile"),
    path("tokens/<int:pk>/revoke/", account.revoke_token, name="revoke_token"),
    path("users/", users.users, name="users"),
    path("users/new/", users.create_user, name="create_user"),
    path("users/<int:pk>/", users.user_detail, name="user_detail"),
    path("users/<int:pk>/grant/", users.grant, name="grant"),
    path("users/<int:pk>/reset-password/", users.reset_password, name="reset_password"),
    path("users/<int:pk>/active/", users.set_active, name="set_active"),
    path("users/<int:pk>/person/", users.link_person, name="link_person"),
    path("roles/<int:pk>/revoke/", users.revoke, name="revoke"),
    path("audit/", users.audit_log, name="audit"),
]
