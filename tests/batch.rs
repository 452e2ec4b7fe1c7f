//! Batch mode: one bad input is reported, the others are still written.

use std::process::Command;

#[test]
fn batch_converts_the_rest_when_one_input_fails() {
    let out = std::env::temp_dir().join(format!("postconv-batch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let status = Command::new(env!("CARGO_BIN_EXE_postconv"))
        .args([
            "tests/posts/kitchen-sink.rst",
            "tests/command/latin1.txt",
            "tests/posts/privet-mir.rst",
            "-t",
            "json",
            "-q",
            "-o",
        ])
        .arg(format!("{}/", out.display()))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("postconv runs");
    assert_eq!(status.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&status.stderr);
    assert!(
        stderr.contains("latin1.txt:1: invalid UTF-8 at byte 3"),
        "{stderr}"
    );
    let mut written: Vec<String> = std::fs::read_dir(&out)
        .expect("output dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, ["kitchen-sink.json", "privet-mir.json"]);
    for name in &written {
        let text = std::fs::read_to_string(out.join(name)).expect("read output");
        let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(value["schema_version"], 1);
    }
    let _ = std::fs::remove_dir_all(&out);
}

/// `-o /dev/null` writes to the device; the atomic rename used for files
/// must never replace a device with a regular file.
#[cfg(unix)]
#[test]
fn output_to_a_device_keeps_the_device() {
    use std::os::unix::fs::FileTypeExt;
    let status = Command::new(env!("CARGO_BIN_EXE_postconv"))
        .args(["tests/posts/yaml-front.rst", "-t", "md", "-o", "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("postconv runs");
    assert!(status.success());
    let kind = std::fs::metadata("/dev/null")
        .expect("/dev/null")
        .file_type();
    assert!(kind.is_char_device(), "/dev/null is no longer a device");
}
