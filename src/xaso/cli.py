"""The ``xaso`` command: Django management under the platform's settings.

Besides Django's own commands (migrate, createsuperuser, …) it offers ``demo``, ``serve``,
``seed``, ``import``, ``token`` and ``units``; ``xaso help`` lists them all.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xaso.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
