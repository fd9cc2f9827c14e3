"""(To be written: notification kinds.)"""
