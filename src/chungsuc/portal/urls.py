from django.urls import path

from chungsuc.portal import views, views_map

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    # stable public URLs (shared in the press and on social media): keep them
    path("public/map/", views_map.public_map, name="map"),
    path("public/map/boundaries.geojson", views_map.boundaries, name="map-boundaries"),
    path("public/map/licences/", views_map.map_licences, name="map-licences"),
    path("public/units/<int:pk>/", views_map.public_unit, name="unit"),
    path("public/progress/", views_map.public_progress, name="progress"),
    path("public/progress/<int:pk>/", views_map.public_progress, name="progress-movement"),
    path("public/open-data/", views_map.open_data, name="open-data"),
    path("public/open-data/<str:key>.<str:fmt>", views_map.open_data_file, name="open-data-file"),
    path("public/models/", views.exemplary_models, name="models"),
    path("public/consultations/", views.public_consultations, name="consultations"),
    path("public/consultations/<int:pk>/", views.public_consultation, name="consultation"),
    path("public/recognised/", views.public_recognised, name="recognised"),
]
