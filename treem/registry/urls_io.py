"""Import and export routes of the registry (kept apart from the record pages)."""

from django.urls import URLPattern, path

from treem.registry import views_io

urlpatterns: list[URLPattern] = [
    path("nhap-excel/", views_io.import_start, name="import"),
    path("nhap-excel/<str:job_id>/", views_io.import_job, name="import_job"),
    path("nhap-excel/<str:job_id>/ghi/", views_io.import_commit, name="import_commit"),
    path("nhap-excel/<str:job_id>/loi.xlsx", views_io.import_errors, name="import_errors"),
    path("mau-nhap.xlsx", views_io.template, name="template"),
    path("xuat-excel/", views_io.export, name="export"),
    path("so-theo-doi/", views_io.village_book, name="village_book"),
    path("chat-luong-du-lieu/xuat-excel/", views_io.quality_export, name="quality_export"),
    # the name the data-quality page looks for
    path("chat-luong-du-lieu/xuat/", views_io.quality_export, name="export_quality"),
]
