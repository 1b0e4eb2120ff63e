"""Authentication backends."""

from axes.backends import AxesStandaloneBackend


class ThrottledLoginBackend(AxesStandaloneBackend):
    """django-axes throttling for logins that come with a request (the login form, the token endpoint).

    `authenticate()` without a request (management commands, scripts, the test client's `login()`) is
    not a web login and has no IP to throttle; it is left to the next backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
