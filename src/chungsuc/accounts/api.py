"""REST API of this app: serializers and views; `urlpatterns` and `ROOT_LINKS` are read by api.urls."""

ROOT_LINKS: dict[str, str] = {}
urlpatterns: list = []
