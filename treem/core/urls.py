from django.contrib.auth import views as auth_views
from django.urls import path

from treem.core import views
from treem.core.forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(
            template_name="core/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", views.password_change, name="password_change"),
    path("chon-dia-ban/", views.area_switch, name="area_switch"),
]

core_patterns = [
    path("dia-ban/", views.area_detail, name="area_detail"),
    path("dia-ban/<str:key>/", views.area_detail, name="area_detail_key"),
    path("dia-ban/<str:key>/thon/", views.village_create, name="village_create"),
    path("dia-ban/<str:key>/thon-hang-loat/", views.village_bulk, name="village_bulk"),
    path("dia-ban/<str:key>/don-vi/", views.agency_create, name="agency_create"),
    path("don-vi/<int:pk>/", views.agency_edit, name="agency_edit"),
    path("nguoi-dung/", views.user_list, name="user_list"),
    path("nguoi-dung/them/", views.user_create, name="user_create"),
    path("nguoi-dung/<int:pk>/", views.user_detail, name="user_detail"),
    path("nhat-ky/", views.audit_list, name="audit_list"),
    path("ma-truy-cap/", views.token_list, name="token_list"),
]
