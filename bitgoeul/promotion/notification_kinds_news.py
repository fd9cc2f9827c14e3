"""(To be written: notification kinds news.)"""
