"""One Screen per mode (title, picker, dashboard, end report) and the dialogs."""
