from django.urls import path

from treem.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("chi-tieu/", views.indicator_list, name="indicator_list"),
    path("chi-tieu/<slug:slug>/sua/", views.indicator_edit, name="indicator_edit"),
    path("ky/<str:period>/<str:key>/", views.report_detail, name="report_detail"),
    path("ky/<str:period>/<str:key>/lap/", views.report_create, name="report_create"),
    path("ky/<str:period>/<str:key>/nhap-so-lieu/", views.manual_values, name="manual_values"),
    path("ky/<str:period>/<str:key>/tinh-so-lieu/", views.compute_start, name="compute_start"),
    path("ky/<str:period>/<str:key>/excel/", views.export_xlsx, name="export_xlsx"),
    path(
        "ky/<str:period>/<str:key>/chi-tieu/<slug:slug>/",
        views.indicator_detail,
        name="indicator_detail",
    ),
    path("luot-tinh/<int:pk>/", views.compute_step, name="compute_step"),
    path("<int:pk>/sua/", views.report_update, name="report_update"),
    path("<int:pk>/gui/", views.report_submit, name="report_submit"),
    path("<int:pk>/duyet/", views.report_decide, {"action": "approve"}, name="report_approve"),
    path("<int:pk>/tra-lai/", views.report_decide, {"action": "return"}, name="report_return"),
    path("<int:pk>/word/", views.export_docx, name="export_docx"),
    path("don-vi/<str:period>/<int:agency_id>/", views.unit_report, name="unit_report"),
]
