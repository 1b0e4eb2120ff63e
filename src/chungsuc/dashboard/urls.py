from django.urls import path

from chungsuc.dashboard import views, views_charts

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("charts/", views_charts.chart_page, name="charts"),
    path("charts/export/<str:table>.<str:fmt>", views_charts.chart_export, name="chart-export"),
    path("map/", views_charts.map_page, name="map"),
    path("map/export.<str:fmt>", views_charts.map_export, name="map-export"),
]
