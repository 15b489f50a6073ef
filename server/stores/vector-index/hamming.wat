;; Hamming distances between one binary query and many binary vectors, 16 bytes at a time with
;; WebAssembly SIMD (i8x16.popcnt): the coarse passes of vector search, about 10x faster than plain JS.
;; Compiled to hamming-wasm.ts by `npm run build:wasm` (wabt); a test checks the two agree.
;;
;; distances(query, vectors, count, stride, out): for each of `count` vectors laid out `stride` bytes
;; apart from `vectors` (stride a multiple of 16, unused tail bytes zero in query and vectors), writes
;; the number of differing bits as a u16 at out + 2 * i.
;; distances_at(query, vectors, slots, count, stride, out): the same for the `count` vectors whose slot
;; numbers (u32) are listed at `slots`: the second pass, over the few survivors of a prefix scan.
;; dots_at(low, high, codes, slots, count, stride, out): for the listed slots, the dot product of a 4-bit code
;; (`stride` bytes apart from `codes`, two nibbles a byte: dimension 2p low, 2p + 1 high) with an int8 query
;; split the same way (`low`: its even dimensions, `high`: its odd ones, `stride` bytes each), as an i32 at
;; out + 4 * i. Nibbles are 0–15 and the query ±127: the i16 products cannot overflow.
;; histogram(distances, count, counts): counts[d] += 1 (u32) for each of `count` u16 distances.
;; select(distances, count, cut, out): writes (u32) the index of every distance ≤ cut, returns how many.
;; Both run over every vector of a big index: the k smallest distances without a sort, and without two passes
;; over a million numbers in JavaScript.
;; signs(nibbles, bits, count): the sign bits of a 4-bit code, a byte of bits per 4 bytes of nibbles (a nibble
;; ≥ 8 is a positive value: its bit 3 is the sign), for `count` bytes of bits. Loading a million codes at start
;; is mostly this.
(module
  (memory (export "memory") 1)
  (func $distance (param $query i32) (param $vector i32) (param $stride i32) (result i32)
    (local $offset i32) (local $sum v128)
    (local.set $sum (v128.const i64x2 0 0))
    (loop $block
      ;; popcount per byte (≤ 8), summed pairwise into u16 lanes: no lane can overflow below 64 KB per vector
      (local.set $sum (i16x8.add (local.get $sum)
        (i16x8.extadd_pairwise_i8x16_u (i8x16.popcnt (v128.xor
          (v128.load (i32.add (local.get $vector) (local.get $offset)))
          (v128.load (i32.add (local.get $query) (local.get $offset))))))))
      (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
      (br_if $block (i32.lt_u (local.get $offset) (local.get $stride))))
    (local.set $sum (i32x4.extadd_pairwise_i16x8_u (local.get $sum)))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $sum)) (i32x4.extract_lane 1 (local.get $sum)))
      (i32.add (i32x4.extract_lane 2 (local.get $sum)) (i32x4.extract_lane 3 (local.get $sum)))))
  (func (export "distances") (param $query i32) (param $vectors i32) (param $count i32) (param $stride i32) (param $out i32)
    ;; $distance's loop written out here: this scan runs over every vector (a million for a big index), where a
    ;; call per vector costs a third of the time with the 32-byte prefix.
    (local $end i32) (local $offset i32) (local $sum v128)
    (local.set $end (i32.add (local.get $vectors) (i32.mul (local.get $count) (local.get $stride))))
    (block $done
      (loop $vector
        (br_if $done (i32.ge_u (local.get $vectors) (local.get $end)))
        (local.set $sum (v128.const i64x2 0 0))
        (local.set $offset (i32.const 0))
        (loop $block
          (local.set $sum (i16x8.add (local.get $sum)
            (i16x8.extadd_pairwise_i8x16_u (i8x16.popcnt (v128.xor
              (v128.load (i32.add (local.get $vectors) (local.get $offset)))
              (v128.load (i32.add (local.get $query) (local.get $offset))))))))
          (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
          (br_if $block (i32.lt_u (local.get $offset) (local.get $stride))))
        (local.set $sum (i32x4.extadd_pairwise_i16x8_u (local.get $sum)))
        (i32.store16 (local.get $out)
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $sum)) (i32x4.extract_lane 1 (local.get $sum)))
            (i32.add (i32x4.extract_lane 2 (local.get $sum)) (i32x4.extract_lane 3 (local.get $sum)))))
        (local.set $out (i32.add (local.get $out) (i32.const 2)))
        (local.set $vectors (i32.add (local.get $vectors) (local.get $stride)))
        (br $vector))))
  (func (export "distances_at") (param $query i32) (param $vectors i32) (param $slots i32) (param $count i32) (param $stride i32) (param $out i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $slots) (i32.mul (local.get $count) (i32.const 4))))
    (block $done
      (loop $vector
        (br_if $done (i32.ge_u (local.get $slots) (local.get $end)))
        (i32.store16 (local.get $out) (call $distance (local.get $query)
          (i32.add (local.get $vectors) (i32.mul (i32.load (local.get $slots)) (local.get $stride)))
          (local.get $stride)))
        (local.set $out (i32.add (local.get $out) (i32.const 2)))
        (local.set $slots (i32.add (local.get $slots) (i32.const 4)))
        (br $vector))))
  (func (export "dots_at") (param $low i32) (param $high i32) (param $codes i32) (param $slots i32) (param $count i32) (param $stride i32) (param $out i32)
    (local $end i32) (local $code i32) (local $offset i32) (local $bytes v128) (local $nibbles v128) (local $query v128) (local $sum v128)
    (local.set $end (i32.add (local.get $slots) (i32.mul (local.get $count) (i32.const 4))))
    (block $done
      (loop $vector
        (br_if $done (i32.ge_u (local.get $slots) (local.get $end)))
        (local.set $code (i32.add (local.get $codes) (i32.mul (i32.load (local.get $slots)) (local.get $stride))))
        (local.set $sum (v128.const i64x2 0 0))
        (local.set $offset (i32.const 0))
        (loop $block
          (local.set $bytes (v128.load (i32.add (local.get $code) (local.get $offset))))
          ;; even dimensions: the low nibbles
          (local.set $nibbles (v128.and (local.get $bytes) (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15)))
          (local.set $query (v128.load (i32.add (local.get $low) (local.get $offset))))
          (local.set $sum (i32x4.add (local.get $sum) (i32x4.add
            (i32x4.extadd_pairwise_i16x8_s (i16x8.extmul_low_i8x16_s (local.get $nibbles) (local.get $query)))
            (i32x4.extadd_pairwise_i16x8_s (i16x8.extmul_high_i8x16_s (local.get $nibbles) (local.get $query))))))
          ;; odd dimensions: the high nibbles
          (local.set $nibbles (i8x16.shr_u (local.get $bytes) (i32.const 4)))
          (local.set $query (v128.load (i32.add (local.get $high) (local.get $offset))))
          (local.set $sum (i32x4.add (local.get $sum) (i32x4.add
            (i32x4.extadd_pairwise_i16x8_s (i16x8.extmul_low_i8x16_s (local.get $nibbles) (local.get $query)))
            (i32x4.extadd_pairwise_i16x8_s (i16x8.extmul_high_i8x16_s (local.get $nibbles) (local.get $query))))))
          (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
          (br_if $block (i32.lt_u (local.get $offset) (local.get $stride))))
        (i32.store (local.get $out)
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $sum)) (i32x4.extract_lane 1 (local.get $sum)))
            (i32.add (i32x4.extract_lane 2 (local.get $sum)) (i32x4.extract_lane 3 (local.get $sum)))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $slots (i32.add (local.get $slots) (i32.const 4)))
        (br $vector))))
  (func (export "signs") (param $nibbles i32) (param $bits i32) (param $count i32)
    (local $end i32) (local $y i32)
    (local.set $end (i32.add (local.get $bits) (local.get $count)))
    (block $done
      (loop $byte
        (br_if $done (i32.ge_u (local.get $bits) (local.get $end)))
        ;; bit 3 of each nibble → bits 0, 4, …, 28, then gathered into the low 8 bits
        (local.set $y (i32.and (i32.shr_u (i32.load (local.get $nibbles)) (i32.const 3)) (i32.const 0x11111111)))
        (local.set $y (i32.and (i32.or (local.get $y) (i32.shr_u (local.get $y) (i32.const 3))) (i32.const 0x03030303)))
        (local.set $y (i32.and (i32.or (local.get $y) (i32.shr_u (local.get $y) (i32.const 6))) (i32.const 0x000f000f)))
        (i32.store8 (local.get $bits) (i32.or (local.get $y) (i32.shr_u (local.get $y) (i32.const 12))))
        (local.set $nibbles (i32.add (local.get $nibbles) (i32.const 4)))
        (local.set $bits (i32.add (local.get $bits) (i32.const 1)))
        (br $byte))))
  (func (export "histogram") (param $distances i32) (param $count i32) (param $counts i32)
    (local $end i32) (local $at i32)
    (local.set $end (i32.add (local.get $distances) (i32.mul (local.get $count) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $distances) (local.get $end)))
        (local.set $at (i32.add (local.get $counts) (i32.shl (i32.load16_u (local.get $distances)) (i32.const 2))))
        (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
        (local.set $distances (i32.add (local.get $distances) (i32.const 2)))
        (br $next))))
  (func (export "select") (param $distances i32) (param $count i32) (param $cut i32) (param $out i32) (result i32)
    (local $i i32) (local $found i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (if (i32.le_u (i32.load16_u (i32.add (local.get $distances) (i32.shl (local.get $i) (i32.const 1)))) (local.get $cut))
          (then
            (i32.store (i32.add (local.get $out) (i32.shl (local.get $found) (i32.const 2))) (local.get $i))
            (local.set $found (i32.add (local.get $found) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $found)))
