"""The Textual game. The engine never imports this package; this package talks to the
engine only through ``game.engine.session.Session`` (and reads its state read-only).

Modules are flat so the wheel ships them (pyproject lists packages by name):
- app: the thin App, ``make_app`` (tests) and ``run_app`` (``architect play``)
- screens: title, picker, dashboard, end_report, error; dialogs: forms, dialogs
- widgets: headline, advisor, firms_table, land_panel, news_log
- fmt (numbers with units), commands (the command palette from the current context)
- *.tcss: layout and styles
"""
