"""The official public holidays of Korea (관공서의 공휴일에 관한 규정) for 2025–2027, loaded into
`PublicHoliday` by migration 0003: fixed-date holidays, the lunar ones (설날 and 추석 with the
days before and after, 부처님오신날) converted to the solar calendar, substitute holidays
(대체공휴일: when 설날/추석 fall on a Sunday or on another holiday, or 3·1절, 어린이날,
광복절, 개천절, 한글날, 부처님오신날 or 성탄절 on a Saturday or Sunday), election days and the
temporary holiday the government designated. Holidays designated later are added as rows by
staff or by a further migration; data only, so that migrations can import it."""

from __future__ import annotations

KOREAN_PUBLIC_HOLIDAYS: tuple[tuple[str, str, str], ...] = (
    # 2025
    ("2025-01-01", "신정", "New Year's Day"),
    ("2025-01-27", "임시공휴일", "Temporary holiday"),
    ("2025-01-28", "설날 연휴", "Seollal holiday"),
    ("2025-01-29", "설날", "Seollal (Lunar New Year)"),
    ("2025-01-30", "설날 연휴", "Seollal holiday"),
    ("2025-03-01", "삼일절", "Independence Movement Day"),
    ("2025-03-03", "대체공휴일(삼일절)", "Substitute holiday (Independence Movement Day)"),
    ("2025-05-05", "어린이날·부처님오신날", "Children's Day and Buddha's Birthday"),
    ("2025-05-06", "대체공휴일(부처님오신날)", "Substitute holiday (Buddha's Birthday)"),
    ("2025-06-03", "제21대 대통령선거일", "Presidential election day"),
    ("2025-06-06", "현충일", "Memorial Day"),
    ("2025-08-15", "광복절", "Liberation Day"),
    ("2025-10-03", "개천절", "National Foundation Day"),
    ("2025-10-05", "추석 연휴", "Chuseok holiday"),
    ("2025-10-06", "추석", "Chuseok"),
    ("2025-10-07", "추석 연휴", "Chuseok holiday"),
    ("2025-10-08", "대체공휴일(추석)", "Substitute holiday (Chuseok)"),
    ("2025-10-09", "한글날", "Hangeul Day"),
    ("2025-12-25", "성탄절", "Christmas Day"),
    # 2026
    ("2026-01-01", "신정", "New Year's Day"),
    ("2026-02-16", "설날 연휴", "Seollal holiday"),
    ("2026-02-17", "설날", "Seollal (Lunar New Year)"),
    ("2026-02-18", "설날 연휴", "Seollal holiday"),
    ("2026-03-01", "삼일절", "Independence Movement Day"),
    ("2026-03-02", "대체공휴일(삼일절)", "Substitute holiday (Independence Movement Day)"),
    ("2026-05-05", "어린이날", "Children's Day"),
    ("2026-05-24", "부처님오신날", "Buddha's Birthday"),
    ("2026-05-25", "대체공휴일(부처님오신날)", "Substitute holiday (Buddha's Birthday)"),
    ("2026-06-03", "제9회 전국동시지방선거일", "Local elections day"),
    ("2026-06-06", "현충일", "Memorial Day"),
    ("2026-08-15", "광복절", "Liberation Day"),
    ("2026-08-17", "대체공휴일(광복절)", "Substitute holiday (Liberation Day)"),
    ("2026-09-24", "추석 연휴", "Chuseok holiday"),
    ("2026-09-25", "추석", "Chuseok"),
    ("2026-09-26", "추석 연휴", "Chuseok holiday"),
    ("2026-10-03", "개천절", "National Foundation Day"),
    ("2026-10-05", "대체공휴일(개천절)", "Substitute holiday (National Foundation Day)"),
    ("2026-10-09", "한글날", "Hangeul Day"),
    ("2026-12-25", "성탄절", "Christmas Day"),
    # 2027
    ("2027-01-01", "신정", "New Year's Day"),
    ("2027-02-06", "설날 연휴", "Seollal holiday"),
    ("2027-02-07", "설날", "Seollal (Lunar New Year)"),
    ("2027-02-08", "설날 연휴", "Seollal holiday"),
    ("2027-02-09", "대체공휴일(설날)", "Substitute holiday (Seollal)"),
    ("2027-03-01", "삼일절", "Independence Movement Day"),
    ("2027-05-05", "어린이날", "Children's Day"),
    ("2027-05-13", "부처님오신날", "Buddha's Birthday"),
    ("2027-06-06", "현충일", "Memorial Day"),
    ("2027-08-15", "광복절", "Liberation Day"),
    ("2027-08-16", "대체공휴일(광복절)", "Substitute holiday (Liberation Day)"),
    ("2027-09-14", "추석 연휴", "Chuseok holiday"),
    ("2027-09-15", "추석", "Chuseok"),
    ("2027-09-16", "추석 연휴", "Chuseok holiday"),
    ("2027-10-03", "개천절", "National Foundation Day"),
    ("2027-10-04", "대체공휴일(개천절)", "Substitute holiday (National Foundation Day)"),
    ("2027-10-09", "한글날", "Hangeul Day"),
    ("2027-10-11", "대체공휴일(한글날)", "Substitute holiday (Hangeul Day)"),
    ("2027-12-25", "성탄절", "Christmas Day"),
    ("2027-12-27", "대체공휴일(성탄절)", "Substitute holiday (Christmas Day)"),
)
