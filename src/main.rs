fn main() {
    println!("nvme-mi: command-line tool (work in progress)");
}
