from django.urls import path

from chungsuc.criteria import views

app_name = "criteria"

urlpatterns = [
    path("", views.framework_list, name="framework-list"),
    path("import/", views.framework_import, name="framework-import"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule-edit"),
    path("rules/<int:pk>/verify/", views.rule_verify, name="rule-verify"),
    path("<slug:code>/", views.framework_detail, name="framework-detail"),
    path("<slug:code>/worklist/", views.framework_worklist, name="framework-worklist"),
    path("<slug:code>/compare/", views.framework_compare, name="framework-compare"),
    path("<slug:code>/export.xlsx", views.framework_export, name="framework-export"),
    path("<slug:code>/evaluate/", views.framework_evaluate, name="framework-evaluate"),
]
