"""(To be written: notification kinds events.)"""
