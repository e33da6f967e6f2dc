from django.urls import URLPattern, path

from treem.registry import views
from treem.registry.urls_io import urlpatterns as io_urlpatterns

app_name = "registry"
urlpatterns: list[URLPattern] = [
    path("", views.child_list, name="child_list"),
    path("moi/", views.child_create, name="child_create"),
    path("tim-trung/", views.child_similar, name="child_similar"),
    path("trung-lap/", views.duplicates, name="duplicates"),
    path("trung-lap/gop/", views.merge, name="merge"),
    path("trung-lap/hoan-tac/<int:log_pk>/", views.unmerge, name="unmerge"),
    path("trung-lap/khac-nhau/", views.mark_distinct, name="mark_distinct"),
    path("trung-lap/khac-nhau/<int:pk>/hoan-tac/", views.unmark_distinct, name="unmark_distinct"),
    path("chat-luong-du-lieu/", views.data_quality, name="data_quality"),
    path("<int:pk>/", views.child_detail, name="child_detail"),
    path("<int:pk>/sua/", views.child_edit, name="child_edit"),
    path("<int:pk>/nguoi-cham-soc/", views.caregiver_add, name="caregiver_add"),
    path(
        "<int:pk>/nguoi-cham-soc/<int:caregiver_pk>/bo/",
        views.caregiver_remove,
        name="caregiver_remove",
    ),
    path("<int:pk>/hoan-canh/", views.circumstance_add, name="circumstance_add"),
    path(
        "<int:pk>/hoan-canh/<int:circ_pk>/ket-thuc/",
        views.circumstance_end,
        name="circumstance_end",
    ),
    path("<int:pk>/tro-giup/", views.support_add, name="support_add"),
    path("<int:pk>/da-chet/", views.child_died, name="child_died"),
    path("<int:pk>/chuyen-di/", views.child_move, name="child_move"),
    path("<int:pk>/luu-tru/", views.child_archive, name="child_archive"),
]
urlpatterns += io_urlpatterns
