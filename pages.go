package netbird

import "iter"

// paginate walks page-numbered results from start (1 when nil) until the
// last page, an empty page, an error, or the caller stops.
func paginate[T any](start *int, fetch func(page int) (items []T, totalPages int, err error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		page := 1
		if start != nil && *start > 0 {
			page = *start
		}
		for {
			items, total, err := fetch(page)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if len(items) == 0 || page >= total {
				return
			}
			page++
		}
	}
}
