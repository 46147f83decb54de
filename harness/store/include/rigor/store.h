// rigor/store.h — placeholder being written in this session.
#ifndef RIGOR_STORE_H_
#define RIGOR_STORE_H_
#endif
