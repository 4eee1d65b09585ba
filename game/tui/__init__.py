"""The Textual game. The engine never imports this package; this package talks to the
engine only through ``game.engine.session.Session`` (and reads its state read-only).

Modules are flat so the wheel ships them (pyproject lists packages by name):
- app: the thin App (content, settings, save folder, autosave worker), ``make_app``
  (tests) and ``run_app`` (``architect play``)
- screens: title, picker, dashboard (eight tabs), end_report, error, saves_ui (save
  dialog, load list), settings_screen, help (with the glossary), mods_screen, menus
- tabs: city_pane, land_pane, firms_table, sectors_pane, chains_pane, portfolio_pane,
  ledger_pane, news_log; firm_detail (a firm's page)
- dialogs: forms (one per verb), actions_menu, decisions, dialogs (turn report, yes/no)
- widgets and helpers: headline, advisor, keybar, charts, marked_list, checkbox, record
  (per-turn figures), settings (the settings file), fmt (numbers with units), commands
  (the command palette from the current context)
- *.tcss: layout and styles
"""
