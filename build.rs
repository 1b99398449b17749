// 模板编进程序（include_dir!）：模板改了要重新编译，否则装好的程序里还是旧模板。
fn main() {
    println!("cargo:rerun-if-changed=templates");
}
