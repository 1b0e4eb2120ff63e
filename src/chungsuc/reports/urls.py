from django.urls import path

from chungsuc.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/evaluation-sheet/", views.new_evaluation_sheet, name="new-evaluation-sheet"),
    path("new/recognised-list/", views.new_recognised_list, name="new-recognised-list"),
    path("new/annual-report/", views.new_annual_report, name="new-annual-report"),
    path("new/inspection-conclusion/", views.new_inspection_conclusion, name="new-inspection-conclusion"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/download/", views.download, name="download"),
]
