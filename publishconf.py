"""Production settings: `pelican content -s publishconf.py` or `portal build --settings publishconf.py`.

SITEURL is the absolute address of the published site. Internal links stay relative (so the same
output works under any path); the absolute URL is used where one is required (feeds, QR codes).
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

SITEURL = "https://zhenggai.example.gov.cn"
