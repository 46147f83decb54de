// rigor/protocols.h — placeholder being written in this session.
#ifndef RIGOR_PROTOCOLS_H_
#define RIGOR_PROTOCOLS_H_
#endif
