use shardlab::session::{Link, Scenario, Session};
use std::time::Instant;
#[test]
fn scratch_speed() {
    let t = Instant::now();
    let mut s = Session::new(Link::start(Scenario::Default, 1));
    s.set_snapshot_every(5_000);
    for _ in 0..10 {
        s.advance(60_000);
    }
    eprintln!(
        "10 min default: {:?}, snaps {:?}",
        t.elapsed(),
        s.snapshot_moments().len()
    );
    let t = Instant::now();
    let c = s.clone();
    eprintln!("clone {:?}", t.elapsed());
    drop(c);
    let t = Instant::now();
    s.rewind_to(301_000);
    s.finish_catch_up();
    eprintln!("rewind {:?} from {:?}", t.elapsed(), s.restored_from());
}
