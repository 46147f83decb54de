// rigor/store.h — rigor::store: the HDF5 study store (runs, protocol, provenance, analysis).
//
//   auto w = rigor::store::StoreWriter::create("study.h5", protocol, provenance);
//   w.put_run(record);
//   auto r = rigor::store::StoreReader::open("study.h5"); auto runs = r.summaries();
#ifndef RIGOR_STORE_H_
#define RIGOR_STORE_H_

#include "rigor/store/record.h"
#include "rigor/store/store.h"

#endif  // RIGOR_STORE_H_
