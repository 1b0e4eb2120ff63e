"""Login, logout, password change and the user's own profile (memberships and scope)."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from chungsuc.accounts import selectors
from chungsuc.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        from chungsuc.accounts.services import password_change

        password_change(actor=self.request.user, form=form)
        update_session_auth_hash(self.request, form.user)  # stay logged in with the new password
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return redirect(self.get_success_url())


@login_required
def profile(request):
    memberships = selectors.memberships_of(request.user)
    everything = request.user.is_superuser
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": memberships,
            "scope_size": 0 if everything else selectors.visible_units(request.user).count(),
            "scope_everything": everything,
        },
    )
