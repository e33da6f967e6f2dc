from django.urls import path

from treem.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("tiep-nhan/", views.intake, name="intake"),
    path("tiep-nhan/cam-on/", views.intake_thanks, name="intake_thanks"),
    path("tim-tre/", views.child_search, name="child_search"),
    path("tai-nan/", views.incident_list, name="incident_list"),
    path("tai-nan/<int:pk>/da-bao-cao/", views.incident_reported, name="incident_reported"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/buoc/", views.case_step, name="case_step"),
    path("<int:pk>/buoc/<int:step_id>/docx/", views.step_docx, name="step_docx"),
]
