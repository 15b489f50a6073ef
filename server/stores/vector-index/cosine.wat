;; Dot products of one float vector with many, 8 floats at a time with WebAssembly SIMD (f32x4, two
;; accumulators): the exact pass of the recall measurement (vector-recall.ts), which compares every vector of
;; an index with up to 50 queries, several times faster than plain JS. Compiled to cosine-wasm.ts by
;; `npm run build:wasm` (wabt); a test checks the two agree.
;;
;; dots(queries, vector, count, stride, out): for each of `count` f32 rows laid out `stride` bytes apart from
;; `queries` (stride a multiple of 32, unused tail floats zero in the rows and the vector), writes the row's
;; dot product with `vector` as an f32 at out + 4 * i.
(module
  (memory (export "memory") 1)
  (func (export "dots") (param $queries i32) (param $vector i32) (param $count i32) (param $stride i32) (param $out i32)
    (local $end i32) (local $offset i32) (local $a v128) (local $b v128)
    (local.set $end (i32.add (local.get $queries) (i32.mul (local.get $count) (local.get $stride))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $queries) (local.get $end)))
        (local.set $a (v128.const f32x4 0 0 0 0))
        (local.set $b (v128.const f32x4 0 0 0 0))
        (local.set $offset (i32.const 0))
        (loop $block
          (local.set $a (f32x4.add (local.get $a) (f32x4.mul
            (v128.load (i32.add (local.get $queries) (local.get $offset)))
            (v128.load (i32.add (local.get $vector) (local.get $offset))))))
          (local.set $b (f32x4.add (local.get $b) (f32x4.mul
            (v128.load offset=16 (i32.add (local.get $queries) (local.get $offset)))
            (v128.load offset=16 (i32.add (local.get $vector) (local.get $offset))))))
          (local.set $offset (i32.add (local.get $offset) (i32.const 32)))
          (br_if $block (i32.lt_u (local.get $offset) (local.get $stride))))
        (local.set $a (f32x4.add (local.get $a) (local.get $b)))
        (f32.store (local.get $out)
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $a)) (f32x4.extract_lane 1 (local.get $a)))
            (f32.add (f32x4.extract_lane 2 (local.get $a)) (f32x4.extract_lane 3 (local.get $a)))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $queries (i32.add (local.get $queries) (local.get $stride)))
        (br $row)))))
