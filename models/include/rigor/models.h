// rigor/models.h — rigor::models: datasets (torch-free), portable random streams, augmentation and
// the LibTorch network registry. Include the part you need; this header pulls in all of them.
//
//   auto raw = rigor::models::load_dataset(protocol.data, dir, seed);
//   auto data = rigor::models::prepare(raw, protocol.data, split_seed);
//   auto net = rigor::models::make_network(spec, init_seed);
#ifndef RIGOR_MODELS_H_
#define RIGOR_MODELS_H_

#include "rigor/models/augment.h"
#include "rigor/models/data.h"
#include "rigor/models/registry.h"
#include "rigor/models/rng.h"

#endif  // RIGOR_MODELS_H_
