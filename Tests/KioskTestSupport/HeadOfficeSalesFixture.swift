/// Known sales in head office's tables, for the report tests: two stores in time zones 13 hours
/// apart, sales on both sides of each store's midnight, a one-time coupon redeemed on two lanes,
/// another redeemed again on another day in another store, Chinese names, an item renamed during
/// the day, and a name that is an HTML attack. Every figure the tests expect is worked out in
/// the comments, to the cent.
///
/// Store sh-01 (Asia/Shanghai, UTC+8), CNY: lanes sh-01-a, sh-01-b, and sh-01-c that sold nothing.
/// Store ny-01 (America/New_York, UTC-5 in December), USD: lane ny-01-a.
/// The day reported on is 2026-12-06 in each store.
public enum HeadOfficeSalesFixture {
    public static let day = "2026-12-06"
    public static let scriptName = "Coffee <script>alert(1)</script>"

    public static let sql = """
        INSERT INTO lane (id, store, public_key, address, token_file, time_zone) VALUES
          ('sh-01-a', 'sh-01', decode(repeat('07', 32), 'hex'), 'https://10.1.0.1:8443', '/t/a', 'Asia/Shanghai'),
          ('sh-01-b', 'sh-01', decode(repeat('08', 32), 'hex'), 'https://10.1.0.2:8443', '/t/b', 'Asia/Shanghai'),
          ('sh-01-c', 'sh-01', decode(repeat('09', 32), 'hex'), 'https://10.1.0.3:8443', '/t/c', 'Asia/Shanghai'),
          ('ny-01-a', 'ny-01', decode(repeat('0a', 32), 'hex'), 'https://10.2.0.1:8443', '/t/n', 'America/New_York');

        INSERT INTO sale (lane, id, seq, completed_at, currency, minor_digits, subtotal, total, item_count) VALUES
          -- Shanghai 2026-12-06 00:00:00, the first second of the day: in.
          ('sh-01-a', 'S1', 10, '2026-12-05 16:00:00+00', 'CNY', 2, 1480, 1180, 3),
          -- Shanghai 2026-12-05 23:59:59: the day before, out.
          ('sh-01-a', 'S2', 8, '2026-12-05 15:59:59+00', 'CNY', 2, 500, 450, 1),
          -- Shanghai 2026-12-06 23:59:59, the last second of the day: in.
          ('sh-01-b', 'S3', 20, '2026-12-06 15:59:59+00', 'CNY', 2, 1630, 1431, 3),
          -- Shanghai 10:30: in.
          ('sh-01-b', 'S4', 12, '2026-12-06 02:30:00+00', 'CNY', 2, 1950, 1850, 3),
          -- Shanghai 2026-12-07 00:00:00: the day after, out.
          ('sh-01-b', 'S5', 21, '2026-12-06 16:00:00+00', 'CNY', 2, 480, 480, 1),
          -- New York 2026-12-06 23:30, already the 7th in UTC: in.
          ('ny-01-a', 'N1', 30, '2026-12-07 04:30:00+00', 'USD', 2, 398, 430, 2),
          -- New York 2026-12-05 23:59, already the 6th in UTC: out.
          ('ny-01-a', 'N2', 28, '2026-12-06 04:59:00+00', 'USD', 2, 199, 215, 1),
          -- New York 09:00: in.
          ('ny-01-a', 'N3', 29, '2026-12-06 14:00:00+00', 'USD', 2, 549, 539, 2);

        INSERT INTO sale_line (lane, sale_id, line_no, gtin, name, quantity, unit_price, amount, tax_code) VALUES
          ('sh-01-a', 'S1', 1, '6901234567892', '苹果', 2, 500, 1000, 'A'),
          ('sh-01-a', 'S1', 2, '6902538005141', '牛奶', 1, 480, 480, 'B'),
          ('sh-01-a', 'S2', 1, '6901234567892', '苹果', 1, 500, 500, 'A'),
          -- Renamed in the catalog during the day: the reports show the newest name.
          ('sh-01-b', 'S3', 1, '6901234567892', '红富士苹果', 1, 500, 500, 'A'),
          ('sh-01-b', 'S3', 2, '6902538005141', '牛奶', 1, 480, 480, 'B'),
          ('sh-01-b', 'S3', 3, '6903148044718', '面包', 1, 650, 650, 'A'),
          ('sh-01-b', 'S4', 1, '6903148044718', '面包', 3, 650, 1950, 'A'),
          ('sh-01-b', 'S5', 1, '6902538005141', '牛奶', 1, 480, 480, 'B'),
          ('ny-01-a', 'N1', 1, '0012345678905', 'Bagel', 2, 199, 398, 'S'),
          ('ny-01-a', 'N2', 1, '0012345678905', 'Bagel', 1, 199, 199, 'S'),
          ('ny-01-a', 'N3', 1, '0012345678905', 'Bagel', 1, 199, 199, 'S'),
          ('ny-01-a', 'N3', 2, '0012345678912', '\(scriptName)', 1, 350, 350, 'S');

        INSERT INTO sale_discount (lane, sale_id, discount_no, gtin, promotion, amount) VALUES
          ('sh-01-a', 'S1', 1, '6901234567892', 'apple-pair', 100),
          ('sh-01-a', 'S1', 2, '', 'coupon-welcome', 200),
          ('sh-01-a', 'S2', 1, '', 'coupon-old', 50),
          ('sh-01-b', 'S3', 1, '', 'coupon-welcome', 199),
          ('sh-01-b', 'S4', 1, '', 'coupon-autumn', 100),
          ('ny-01-a', 'N3', 1, '', 'coupon-old', 50);

        INSERT INTO sale_tax (lane, sale_id, tax_no, tax_code, basis_points, gross, tax) VALUES
          ('sh-01-a', 'S1', 1, 'A', 1300, 780, 90),
          ('sh-01-a', 'S1', 2, 'B', 900, 400, 33),
          ('sh-01-a', 'S2', 1, 'A', 1300, 450, 52),
          ('sh-01-b', 'S3', 1, 'A', 1300, 1031, 119),
          ('sh-01-b', 'S3', 2, 'B', 900, 400, 33),
          ('sh-01-b', 'S4', 1, 'A', 1300, 1850, 213),
          ('sh-01-b', 'S5', 1, 'B', 900, 480, 40),
          ('ny-01-a', 'N1', 1, 'S', 800, 430, 32),
          ('ny-01-a', 'N2', 1, 'S', 800, 215, 16),
          ('ny-01-a', 'N3', 1, 'S', 800, 539, 40);

        INSERT INTO sale_payment (lane, sale_id, attempt_id, tender, reference, amount) VALUES
          ('sh-01-a', 'S1', 'p1', 'card', 'r1', 1180),
          ('sh-01-a', 'S2', 'p2', 'cash', 'r2', 450),
          ('sh-01-b', 'S3', 'p3', 'wechat', 'r3', 1431),
          ('sh-01-b', 'S4', 'p4', 'alipay', 'r4', 1850),
          ('sh-01-b', 'S5', 'p5', 'cash', 'r5', 480),
          ('ny-01-a', 'N1', 'p6', 'card', 'r6', 430),
          ('ny-01-a', 'N2', 'p7', 'card', 'r7', 215),
          ('ny-01-a', 'N3', 'p8', 'cash', 'r8', 539);

        -- C-2026-0001: one coupon, redeemed on two lanes the same day while both were offline.
        -- C-OLD: redeemed in Shanghai the day before, then again in New York on the day.
        INSERT INTO coupon_redemption (lane, sale_id, coupon_id, seq, amount) VALUES
          ('sh-01-a', 'S1', 'C-2026-0001', 10, 200),
          ('sh-01-a', 'S2', 'C-OLD', 8, 50),
          ('sh-01-b', 'S3', 'C-2026-0001', 20, 199),
          ('sh-01-b', 'S4', 'C-2026-0002', 12, 100),
          ('ny-01-a', 'N3', 'C-OLD', 29, 50);
        """
}
