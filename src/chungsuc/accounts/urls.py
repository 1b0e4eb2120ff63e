from django.urls import path
from django.views.generic import RedirectView

from chungsuc.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    # Django's default "done" page is the admin's; the change itself lands on the profile with a message.
    path(
        "password/done/",
        RedirectView.as_view(pattern_name="accounts:profile"),
        name="password_change_done",
    ),
    path("profile/", views.profile, name="profile"),
]
