from django.urls import path

from hub.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account_home, name="home"),
    path("people/", views.people, name="people"),
]
