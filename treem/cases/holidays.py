"""The public holidays seeded into `treem.core.models.PublicHoliday` (an admin corrects them).

Bộ luật Lao động 2019, Điều 112: 1/1; Tết Âm lịch 5 days; 30/4; 1/5; 2/9 plus the day
before or after it; Giỗ Tổ Hùng Vương 10/3 lunar. A holiday on a weekly rest day is made up
on the next working day (Điều 111.3). The government announces each year's Tết and 2/9
days; the rows below say which dates were announced and which are derived from the rules
(lunar dates converted with the Vietnamese lunar calendar). Swapped working Saturdays
(làm bù) are not modelled: the clocks only ever skip days. An administrator corrects the
table in Django admin when the government decides otherwise.
"""

from __future__ import annotations

import datetime as dt

D = dt.date

# (date, name, source): "announced" = dates decided by the government for that year;
# "fixed" = a fixed solar holiday of the Labour Code; "derived" = computed from the rules.
HOLIDAYS: list[tuple[dt.date, str, str]] = [
    # 2025
    (D(2025, 1, 1), "Tết Dương lịch", "fixed"),
    # Tết Ất Tỵ: off 25/1–2/2/2025 (announced), incl. 27/1 swapped with Saturday 15/2.
    (D(2025, 1, 27), "Tết Nguyên đán Ất Tỵ (nghỉ hoán đổi)", "announced"),
    (D(2025, 1, 28), "Tết Nguyên đán Ất Tỵ", "announced"),
    (D(2025, 1, 29), "Tết Nguyên đán Ất Tỵ (mùng 1)", "announced"),
    (D(2025, 1, 30), "Tết Nguyên đán Ất Tỵ", "announced"),
    (D(2025, 1, 31), "Tết Nguyên đán Ất Tỵ", "announced"),
    (D(2025, 4, 7), "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "announced"),
    (D(2025, 4, 30), "Ngày Chiến thắng", "fixed"),
    (D(2025, 5, 1), "Ngày Quốc tế Lao động", "fixed"),
    # 2/5/2025 swapped with Saturday 26/4/2025 (announced).
    (D(2025, 5, 2), "Nghỉ hoán đổi dịp 30/4 – 1/5", "announced"),
    (D(2025, 9, 1), "Quốc khánh (ngày liền kề)", "announced"),
    (D(2025, 9, 2), "Quốc khánh", "fixed"),
    # 2026
    (D(2026, 1, 1), "Tết Dương lịch", "fixed"),
    # Tết Bính Ngọ (mùng 1 = 17/2/2026): off 14/2–22/2/2026, the weekdays 16–20/2 (announced).
    (D(2026, 2, 16), "Tết Nguyên đán Bính Ngọ", "announced"),
    (D(2026, 2, 17), "Tết Nguyên đán Bính Ngọ (mùng 1)", "announced"),
    (D(2026, 2, 18), "Tết Nguyên đán Bính Ngọ", "announced"),
    (D(2026, 2, 19), "Tết Nguyên đán Bính Ngọ", "announced"),
    (D(2026, 2, 20), "Tết Nguyên đán Bính Ngọ", "announced"),
    # 10/3 Bính Ngọ = Sunday 26/4/2026: made up on Monday 27/4 (derived from Điều 111.3).
    (D(2026, 4, 27), "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch rơi vào Chủ nhật)", "derived"),
    (D(2026, 4, 30), "Ngày Chiến thắng", "fixed"),
    (D(2026, 5, 1), "Ngày Quốc tế Lao động", "fixed"),
    (D(2026, 9, 1), "Quốc khánh (ngày liền kề, dự kiến)", "derived"),
    (D(2026, 9, 2), "Quốc khánh", "fixed"),
    # 2027
    (D(2027, 1, 1), "Tết Dương lịch", "fixed"),
    # Tết Đinh Mùi (mùng 1 = Saturday 6/2/2027): 30 Tết to mùng 4 = 5/2–9/2, the two days on
    # the weekend made up on 10–11/2 (derived; replace with the announced days).
    (D(2027, 2, 5), "Tết Nguyên đán Đinh Mùi (dự kiến)", "derived"),
    (D(2027, 2, 8), "Tết Nguyên đán Đinh Mùi (dự kiến)", "derived"),
    (D(2027, 2, 9), "Tết Nguyên đán Đinh Mùi (dự kiến)", "derived"),
    (D(2027, 2, 10), "Nghỉ bù Tết Nguyên đán Đinh Mùi (dự kiến)", "derived"),
    (D(2027, 2, 11), "Nghỉ bù Tết Nguyên đán Đinh Mùi (dự kiến)", "derived"),
    (D(2027, 4, 16), "Giỗ Tổ Hùng Vương (10/3 âm lịch, dự kiến)", "derived"),
    (D(2027, 4, 30), "Ngày Chiến thắng", "fixed"),
    # 1/5/2027 is a Saturday: made up on Monday 3/5 (derived).
    (D(2027, 5, 3), "Nghỉ bù Ngày Quốc tế Lao động", "derived"),
    (D(2027, 9, 2), "Quốc khánh", "fixed"),
    (D(2027, 9, 3), "Quốc khánh (ngày liền kề, dự kiến)", "derived"),
]
