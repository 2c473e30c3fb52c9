from django.urls import path

from hub.accounts import views

app_name = "accounts"

# Under /accounts/, beside allauth's own pages (login/, signup/, email/, 2fa/ …).
urlpatterns = [
    path("", views.account_home, name="home"),
    path("profile/", views.profile_edit, name="profile"),
    path("tokens/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("my-data/", views.data_download, name="data_download"),
    path("delete/", views.account_delete, name="delete"),
    path("practitioner/", views.practitioner_request, name="practitioner_request"),
]
