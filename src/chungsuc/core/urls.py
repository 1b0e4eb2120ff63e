from django.urls import path

from chungsuc.core import views

app_name = "core"

urlpatterns = [
    path("", views.audit_list, name="audit-list"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    path("notifications/read-all/", views.notification_read_all, name="notification-read-all"),
]
