"""The CJK font file the PDF embeds and the charts draw with (installed by the system, or
shipped in the offline bundle beside the virtual environment)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.utils.translation import gettext as _

from workplan.core.errors import Invalid

# The offline bundle's install.sh puts its font here: an air-gapped office has no apt.
BUNDLED_FONT = str(Path(sys.prefix) / "share" / "workplan" / "fonts" / "wqy-zenhei.ttc")

FONT_CANDIDATES = (
    BUNDLED_FONT,
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


def font_path() -> str:
    """``WORKPLAN_REPORT_FONT``, else the first installed candidate; a clear refusal if none."""
    chosen = os.environ.get("WORKPLAN_REPORT_FONT") or next(
        (path for path in FONT_CANDIDATES if Path(path).is_file()), None
    )
    if not chosen or not Path(chosen).is_file():
        raise Invalid(
            _("No Chinese font is installed for PDF output: install fonts-wqy-zenhei (make setup does).")
        )
    return chosen
