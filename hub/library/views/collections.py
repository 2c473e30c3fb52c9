"""Collections: curated, ordered sets of entries. Everyone reads the published ones (showing
only the entries they may see); curators make, change, order and publish them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from hub.core.permissions import require_perm
from hub.library import forms, selectors
from hub.library.models import Collection, CollectionItem
from hub.library.services import collections as services


def _collection_for_user(user, slug: str) -> Collection:
    """A published collection, or a draft for curators; 404 otherwise."""
    collection = Collection.objects.filter(slug=slug).first()
    if collection is None or (collection.status != Collection.Status.PUBLISHED
                              and not user.has_perm("library.manage_collections")):
        raise Http404("No such collection")
    return collection


def collection_list(request: HttpRequest) -> HttpResponse:
    drafts = None
    if request.user.has_perm("library.manage_collections"):
        drafts = Collection.objects.filter(status=Collection.Status.DRAFT)
    return render(request, "library/collection_list.html", {
        "collections": selectors.published_collections(), "drafts": drafts,
    })


def collection_detail(request: HttpRequest, slug: str) -> HttpResponse:
    collection = _collection_for_user(request.user, slug)
    items = selectors.collection_items(collection=collection, user=request.user)
    selectors.with_display_fields([item.entry for item in items])
    return render(request, "library/collection_detail.html", {
        "collection": collection, "items": items,
        "can_manage": request.user.has_perm("library.manage_collections"),
    })


@login_required
@require_perm("library.manage_collections")
def collection_create(request: HttpRequest) -> HttpResponse:
    form = forms.CollectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        collection = services.collection_create(by=request.user, **form.cleaned_data)
        messages.success(request, f"“{collection.title}” has been created as a draft. "
                                  "Add entries to it, then publish it.")
        return redirect("library:collection_manage", slug=collection.slug)
    return render(request, "library/collection_form.html", {"form": form})


@login_required
@require_perm("library.manage_collections")
def collection_edit(request: HttpRequest, slug: str) -> HttpResponse:
    collection = get_object_or_404(Collection, slug=slug)
    initial = {"title": collection.title, "introduction": collection.introduction}
    form = forms.CollectionForm(request.POST if request.method == "POST" else None,
                                initial=initial)
    if request.method == "POST" and form.is_valid():
        services.collection_update(collection=collection, by=request.user, **form.cleaned_data)
        messages.success(request, "Your changes have been saved.")
        return redirect("library:collection_manage", slug=collection.slug)
    return render(request, "library/collection_form.html",
                  {"form": form, "collection": collection})


def _manage_page(request, collection: Collection, *, form=None, status: int = 200):
    items = list(collection.items.select_related("entry"))
    return render(request, "library/collection_manage.html", {
        "collection": collection, "items": items,
        "form": form or forms.CollectionItemForm(),
    }, status=status)


@login_required
@require_perm("library.manage_collections")
def collection_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """The curator's page for a collection: its entries in order, with buttons to move and
    remove them, a form to add one, and publishing."""
    collection = get_object_or_404(Collection, slug=slug)
    if request.method != "POST":
        return _manage_page(request, collection)
    form = forms.CollectionItemForm(request.POST)
    if form.is_valid():
        try:
            item = services.collection_add_entry(collection=collection, by=request.user,
                                                 entry=form.cleaned_data["entry"],
                                                 note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error("entry", error.messages)
        else:
            messages.success(request, f"“{item.entry.title}” has been added.")
            return redirect("library:collection_manage", slug=collection.slug)
    return _manage_page(request, collection, form=form, status=400)


def _item(collection: Collection, entry_id: int) -> CollectionItem:
    return get_object_or_404(collection.items.select_related("entry"), entry_id=entry_id)


@login_required
@require_perm("library.manage_collections")
@require_POST
def collection_item_action(request: HttpRequest, slug: str, entry_id: int,
                           action: str) -> HttpResponse:
    collection = get_object_or_404(Collection, slug=slug)
    item = _item(collection, entry_id)
    if action == "remove":
        services.collection_remove_entry(collection=collection, by=request.user,
                                         entry=item.entry)
        messages.success(request, f"“{item.entry.title}” has been removed.")
    else:
        services.collection_move_entry(collection=collection, by=request.user,
                                       entry=item.entry, up=action == "up")
    return redirect(reverse("library:collection_manage", kwargs={"slug": collection.slug})
                    + f"#item-{entry_id}")


@login_required
@require_perm("library.manage_collections")
@require_POST
def collection_status(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    collection = get_object_or_404(Collection, slug=slug)
    if action == "publish":
        services.collection_publish(collection=collection, by=request.user)
        messages.success(request, f"“{collection.title}” has been published.")
    else:
        services.collection_unpublish(collection=collection, by=request.user)
        messages.success(request, f"“{collection.title}” is a draft again: only curators "
                                  "can see it.")
    return redirect("library:collection_manage", slug=collection.slug)


urlpatterns = [
    path("collections/", collection_list, name="collections"),
    path("collections/new/", collection_create, name="collection_create"),
    path("collections/<slug:slug>/", collection_detail, name="collection"),
    path("collections/<slug:slug>/edit/", collection_edit, name="collection_edit"),
    path("collections/<slug:slug>/manage/", collection_manage, name="collection_manage"),
    *[
        path(f"collections/<slug:slug>/entries/<int:entry_id>/{action}/",
             collection_item_action, {"action": action}, name=f"collection_item_{action}")
        for action in ("up", "down", "remove")
    ],
    *[
        path(f"collections/<slug:slug>/{action}/", collection_status, {"action": action},
             name=f"collection_{action}")
        for action in ("publish", "unpublish")
    ],
]
