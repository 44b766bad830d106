use super::*;
use parquet::data_type::{DoubleType, Int32Type};

fn candle(i: i64, close: &str) -> Candle {
    let p = |s: &str| Price::parse(s).unwrap();
    Candle {
        symbol: Symbol::new("BTCUSDT"),
        interval: Interval::M1,
        open_time: Timestamp::from_millis(1_704_067_200_000 + i * 60_000),
        open: p(close),
        high: p("999999999.123456789012345"),
        low: p("0.000000000000000001"),
        close: p(close),
        volume: Quantity::parse("12.5").unwrap(),
    }
}

fn write(path: &Path, candles: &[Candle], with_symbol: bool) {
    let mut w = CandleParquetWriter::create(path, with_symbol).unwrap();
    for c in candles {
        w.write(c).unwrap();
    }
    assert_eq!(w.finish().unwrap(), candles.len() as u64);
}

fn read(path: &Path, symbol: &str) -> Result<Vec<Candle>, DataError> {
    CandleParquetReader::open(path, Symbol::new(symbol), Interval::M1)
        .unwrap()
        .collect()
}

#[test]
fn round_trips_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.parquet");
    let candles: Vec<Candle> = ["65321.45", "0.1", "1e-8", "123456789.987654321"]
        .iter()
        .enumerate()
        .map(|(i, c)| candle(i as i64, c))
        .collect();
    write(&path, &candles, false);
    let back = read(&path, "BTCUSDT").unwrap();
    assert_eq!(back, candles);
    assert_eq!(
        back[2].close.get(),
        Decimal::from_str_exact("0.00000001").unwrap()
    );
    let reader = CandleParquetReader::open(&path, Symbol::new("X"), Interval::M1).unwrap();
    assert_eq!((reader.rows(), reader.has_symbol_column()), (4, false));
    // Without a symbol column, rows take the symbol given.
    assert_eq!(read(&path, "ETHUSDT").unwrap()[0].symbol, Symbol::new("ETHUSDT"));
}

#[test]
fn symbol_column_and_many_row_groups() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.parquet");
    let n = ROWS_PER_GROUP + BATCH + 3;
    let candles: Vec<Candle> = (0..n as i64)
        .map(|i| candle(i, &format!("{}.5", 100 + i % 7)))
        .collect();
    write(&path, &candles, true);
    let reader = CandleParquetReader::open(&path, Symbol::new("OTHER"), Interval::M1).unwrap();
    assert!(reader.has_symbol_column());
    assert_eq!(reader.file.num_row_groups(), 2);
    let back: Vec<Candle> = reader.collect::<Result<_, _>>().unwrap();
    assert_eq!(back, candles);
    assert_eq!(detect_interval_of(&path), Interval::M1);
}

fn detect_interval_of(path: &Path) -> Interval {
    crate::detect_interval(path).unwrap()
}

/// Writes a file with a hand-made schema: `cols` gives each column's values.
enum Col {
    I64(Vec<i64>),
    I32(Vec<i32>),
    F64(Vec<f64>),
    Text(Vec<&'static str>, Option<Vec<i16>>),
}

fn write_raw(path: &Path, schema: &str, cols: Vec<Col>) {
    write_raw_opt(path, schema, cols, false);
}

/// As [`write_raw`]; `optional` gives every number column definition levels.
fn write_raw_opt(path: &Path, schema: &str, cols: Vec<Col>, optional: bool) {
    let schema = Arc::new(parquet::schema::parser::parse_message_type(schema).unwrap());
    let props = Arc::new(WriterProperties::builder().build());
    let mut w = SerializedFileWriter::new(File::create(path).unwrap(), schema, props).unwrap();
    let mut g = w.next_row_group().unwrap();
    let mut cols = cols.into_iter();
    while let Some(mut c) = g.next_column().unwrap() {
        let ones = vec![1_i16; 2];
        let defs = optional.then_some(ones.as_slice());
        match cols.next().unwrap() {
            Col::I64(v) => c.typed::<Int64Type>().write_batch(&v, defs, None),
            Col::I32(v) => c.typed::<Int32Type>().write_batch(&v, defs, None),
            Col::F64(v) => c.typed::<DoubleType>().write_batch(&v, None, None),
            Col::Text(v, defs) => {
                let v: Vec<ByteArray> = v.into_iter().map(ByteArray::from).collect();
                c.typed::<ByteArrayType>().write_batch(&v, defs.as_deref(), None)
            }
        }
        .unwrap();
        c.close().unwrap();
    }
    g.close().unwrap();
    w.close().unwrap();
}

#[test]
fn reads_decimal_columns_and_other_time_units() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dec.parquet");
    // As pandas/pyarrow write them: optional columns, microsecond times,
    // DECIMAL(18, 4) prices, an int32 DECIMAL volume, columns in another order.
    write_raw_opt(
        &path,
        "message m {
            optional int64 Close (DECIMAL(18,4));
            optional int64 ts_extra;
            optional int64 TIMESTAMP (TIMESTAMP(MICROS,true));
            optional int64 open (DECIMAL(18,4));
            optional int64 high (DECIMAL(18,4));
            optional int64 low (DECIMAL(18,4));
            optional int32 volume (DECIMAL(9,2));
        }",
        vec![
            Col::I64(vec![1_000_050, 1_000_100]),
            Col::I64(vec![7, 8]),
            Col::I64(vec![60_000_000, 120_000_000]),
            Col::I64(vec![1_000_000, 1_000_050]),
            Col::I64(vec![1_000_100, 1_000_100]),
            Col::I64(vec![999_900, 1_000_000]),
            Col::I32(vec![150, 2]),
        ],
        true,
    );
    let back = read(&path, "X").unwrap();
    let d = |s: &str| Decimal::from_str_exact(s).unwrap();
    assert_eq!(back[0].open_time.as_millis(), 60_000);
    assert_eq!(back[0].close.get(), d("100.005"));
    assert_eq!(back[1].low.get(), d("100"));
    assert_eq!(back[0].volume.get(), d("1.5"));
    assert_eq!(back[1].volume.get(), d("0.02"));
}

#[test]
fn refuses_floats_nulls_and_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let floats = dir.path().join("f.parquet");
    let five = "required binary open (STRING); required binary high (STRING);
            required binary low (STRING); required binary close (STRING);";
    write_raw(
        &floats,
        &format!("message m {{ required int64 timestamp; {five} required double volume; }}"),
        vec![
            Col::I64(vec![0]),
            Col::Text(vec!["1"], None),
            Col::Text(vec!["1"], None),
            Col::Text(vec!["1"], None),
            Col::Text(vec!["1"], None),
            Col::F64(vec![1.0]),
        ],
    );
    let e = CandleParquetReader::open(&floats, Symbol::new("X"), Interval::M1)
        .err()
        .unwrap();
    assert!(e.to_string().contains("column `volume` is DOUBLE"), "{e}");
    assert!(e.to_string().contains("f.parquet"), "{e}");

    let nulls = dir.path().join("n.parquet");
    write_raw(
        &nulls,
        &format!("message m {{ required int64 timestamp; {five} optional binary volume (STRING); }}"),
        vec![
            Col::I64(vec![0, 60_000]),
            Col::Text(vec!["1", "1"], None),
            Col::Text(vec!["1", "1"], None),
            Col::Text(vec!["1", "1"], None),
            Col::Text(vec!["1", "1"], None),
            Col::Text(vec!["1"], Some(vec![1, 0])),
        ],
    );
    let e = read(&nulls, "X").unwrap_err();
    assert_eq!(e.to_string(), format!("{}:2: `volume` is null", nulls.display()));

    let dir2 = tempfile::tempdir().unwrap();
    let order = dir2.path().join("o.parquet");
    let mut candles = vec![candle(0, "1"), candle(2, "1"), candle(1, "1")];
    write(&order, &candles, false);
    let e = read(&order, "X").unwrap_err();
    assert!(
        e.to_string().contains("o.parquet:3: out-of-order timestamp"),
        "{e}"
    );
    candles.truncate(1);
    let missing = dir2.path().join("m.parquet");
    write_raw(
        &missing,
        "message m { required int64 timestamp; }",
        vec![Col::I64(vec![0])],
    );
    let e = CandleParquetReader::open(&missing, Symbol::new("X"), Interval::M1)
        .err()
        .unwrap();
    assert!(
        matches!(e, DataError::MissingColumn { column: "open", .. }),
        "{e}"
    );
    let junk = dir2.path().join("junk.parquet");
    std::fs::write(&junk, "timestamp,open\n").unwrap();
    let e = CandleParquetReader::open(&junk, Symbol::new("X"), Interval::M1)
        .err()
        .unwrap();
    assert!(
        e.to_string()
            .starts_with(&format!("{}: parquet:", junk.display())),
        "{e}"
    );
}
