use super::*;

#[test]
fn negative_quantity_is_rejected() {
    let err = Quantity::parse("-1").unwrap_err();
    assert_eq!(err.to_string(), "quantity must not be negative, got -1");
}

#[test]
fn parse_is_exact() {
    let p = Price::parse("0.1").unwrap();
    let q = Quantity::parse("3").unwrap();
    assert_eq!((p * q).to_string(), "0.3");
    assert!(Price::parse("abc").is_err());
    assert_eq!(Price::parse("1e2").unwrap().to_string(), "100");
}

#[test]
fn fast_path_matches_general_parser() {
    for text in [
        "0",
        "1",
        "-1",
        "227.35",
        "0.000001",
        "123456789012345678",
        "1.",
        "-0.5",
        "00012.3400",
    ] {
        let general = Decimal::from_str_exact(text).unwrap();
        assert_eq!(parse_plain(text.as_bytes()), Some(general), "{text}");
        assert_eq!(
            parse_plain(text.as_bytes()).unwrap().scale(),
            general.scale(),
            "{text}"
        );
    }
    for text in [".", "-", "", "1.2.3", "1e5", " 1", "1234567890123456789", "abc"] {
        assert_eq!(parse_plain(text.as_bytes()), None, "{text}");
    }
    assert_eq!(Price::parse(" 12.5 ").unwrap().to_string(), "12.5");
}

#[test]
fn fast_f64_matches_the_general_conversion() {
    for text in [
        "0",
        "1",
        "-1",
        "227.35",
        "1010131.17286",
        "0.0000000001",
        "-98765.4321",
        "79228162514264.337593543950335",
    ] {
        let d = Decimal::from_str_exact(text).unwrap();
        let (fast, slow) = (fast_f64(d), d.to_f64().unwrap());
        assert!(
            (fast - slow).abs() <= slow.abs() * 4.0 * f64::EPSILON,
            "{text}: {fast} vs {slow}"
        );
    }
}

#[test]
fn display_matches_normalize() {
    for text in [
        "0",
        "-0",
        "0.000",
        "1",
        "-1",
        "10",
        "100.00",
        "227.35",
        "-4.43072",
        "0.5",
        "-0.05",
        "0.0001000",
        "1010131.17286",
        "123456789012345678901234.5678",
        "-79228162514264337593543950335",
        "0.0000000000000000000000000001",
    ] {
        let d = Decimal::from_str_exact(text).unwrap();
        assert_eq!(Cash::new(d).to_string(), d.normalize().to_string(), "{text}");
    }
}

#[test]
fn negative_zero_is_zero() {
    assert!(Quantity::parse("-0").is_ok());
}

#[test]
fn quantity_checked_sub() {
    let a = Quantity::parse("1").unwrap();
    let b = Quantity::parse("2").unwrap();
    assert!(a.checked_sub(b).is_none());
    assert_eq!(b.checked_sub(a), Some(a));
}

#[test]
fn ordering_matches_decimal_across_scales_and_signs() {
    let values = [
        "0",
        "0.00",
        "1",
        "1.0",
        "1.5",
        "1.50",
        "2",
        "10",
        "0.0001",
        "99999999999999999999.5",
        "79228162514264337593543950335",
        "-1",
        "-1.5",
        "-0.001",
    ];
    for a in values {
        for b in values {
            let (x, y) = (
                Decimal::from_str_exact(a).unwrap(),
                Decimal::from_str_exact(b).unwrap(),
            );
            assert_eq!(super::cmp_decimal(x, y), x.cmp(&y), "{a} vs {b}");
            if let (Ok(p), Ok(q)) = (Price::new(x), Price::new(y)) {
                assert_eq!(p.cmp(&q), x.cmp(&y), "{a} vs {b}");
                assert_eq!(p == q, p.cmp(&q).is_eq(), "{a} vs {b}");
            }
        }
    }
}
