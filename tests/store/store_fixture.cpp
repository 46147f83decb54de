// rigor_store_fixture OUT.h5 [RUNS] [STEPS]: writes a deterministic store (the records of
// store_test_util.h) for the h5py interop test and for timing `rigor inspect` on many runs.
#include <cstdlib>
#include <iostream>

#include "rigor/store.h"
#include "store_test_util.h"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::cerr << "Usage: rigor_store_fixture OUT.h5 [RUNS=6] [STEPS=50]\n";
    return 2;
  }
  const int runs = argc > 2 ? std::atoi(argv[2]) : 6;
  const int steps = argc > 3 ? std::atoi(argv[3]) : 50;
  try {
    rigor::store::StoreOptions o;
    o.sync = false;
    o.compact_every = 1000;
    auto w = rigor::store::StoreWriter::create(argv[1], rigor::store::test::test_protocol(),
                                               rigor::store::test::test_provenance(), o);
    for (int i = 0; i < runs; ++i) w.put_run(rigor::store::test::make_record(i, steps, 20, i == 0));
    w.put_analysis("claim-1", "{\"verdict\": \"supported\"}");
    w.close();
  } catch (const rigor::Error& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
