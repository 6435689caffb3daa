"""Files kept in the database, for sites whose app hosts share nothing but the database."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredFile(models.Model):
    """One stored file: its name in the storage, its bytes and when it was written.

    A file is written once and then only read or deleted (content-addressed evidence, plan
    documents, staged uploads), so a row never changes and readers never see half a file.
    """

    name = models.CharField(_("name"), max_length=255, unique=True)
    content = models.BinaryField(_("content"))
    size = models.PositiveBigIntegerField(_("size"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return self.name
