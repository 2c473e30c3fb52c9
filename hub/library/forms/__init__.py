"""The library's forms: the list's filters, adding and changing an entry, review comments and
collections. Forms parse and check what people typed; services do the writing."""

from hub.library.forms.collections import CollectionForm, CollectionItemForm
from hub.library.forms.entries import EntryForm, initial_for
from hub.library.forms.filters import AllEntriesFilterForm, EntryFilterForm
from hub.library.forms.review import CommentForm, RequestChangesForm

__all__ = ["AllEntriesFilterForm", "CollectionForm", "CollectionItemForm", "CommentForm",
           "EntryFilterForm", "EntryForm", "RequestChangesForm", "initial_for"]
