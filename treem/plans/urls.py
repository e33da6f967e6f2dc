from django.urls import path

from treem.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("tai-len/", views.upload, name="upload"),
    path("tu-ke-hoach-cap-tren/", views.plan_from_parent, name="plan_from_parent"),
    path("nhiem-vu-cua-toi/", views.my_tasks, name="my_tasks"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task_detail"),
    path("minh-chung/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/soat-xet/", views.plan_review, name="plan_review"),
    path("<int:pk>/ban-hanh/", views.plan_issue, name="plan_issue"),
    path("<int:pk>/luu-tru/", views.plan_archive, name="plan_archive"),
    path("<int:pk>/xuat-word/", views.plan_export, name="plan_export"),
    path("<int:pk>/tep-goc/", views.plan_source, name="plan_source"),
    path("<int:pk>/chi-tieu/<int:target_id>/ket-qua/", views.target_measure, name="target_measure"),
]
