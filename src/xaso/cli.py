"""The ``xaso`` command: Django management under the platform's settings.

Besides Django's own commands (migrate, createsuperuser, …) it offers ``demo``, ``serve``,
``seed``, ``import``, ``token`` and ``units``; ``xaso help`` lists them all.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xaso.settings")
    if len(sys.argv) > 2 and sys.argv[1] == "import" and os.path.isfile(sys.argv[2]):
        # `xaso import FILE`: read the workbook in a background thread while Django starts
        # (calamine reads without holding the GIL); the command picks the reader up.
        from xaso.population.workbook import start_reading

        start_reading(sys.argv[2])
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
