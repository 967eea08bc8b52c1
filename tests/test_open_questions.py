"""nnlib.open_questions: chapter 7's data files travel with nnlib and are summarised as stated."""

import pytest

from nnlib import open_questions as oq


def test_the_data_files_ship_as_package_data():
    names = oq.table_names()
    for name in ("generic_dimension.csv", "generic_rank.csv", "zero_loss_fraction.csv", "escape_survey.csv",
                 "polynomial_biased.csv", "polynomial_bias_free.csv"):
        assert name in names
    assert len(oq.read_table("generic_dimension.csv")) == 144


def test_an_unknown_table_is_refused_by_name():
    with pytest.raises(ValueError, match="name must be one of the data files"):
        oq.read_table("../pyproject.toml")


def test_generic_dimension_shortfalls_split_into_width_one_and_one_input():
    t = oq.generic_dimension_table(oq.read_table("generic_dimension.csv"))
    assert t.relu_short == t.relu_width_one + t.relu_one_input
    assert t.relu_all_clear and t.smooth_all_ambiguous
    assert t.relu_total + t.smooth_total == t.total


def test_a_row_without_a_shortfall_is_not_counted():
    row = dict(k="3", p="2", width="2", q="1", activation="relu", shortfall="0", ambiguous="False", gap="1e12")
    short = dict(row, shortfall="1", width="1")
    t = oq.generic_dimension_table([row, short])
    assert (t.relu_total, t.relu_short, t.relu_width_one, t.relu_one_input) == (2, 1, 1, 0)
    assert t.relu_gap_log10 == 12


def test_one_input_shortfalls_keep_the_row_index_as_seed():
    rows = oq.read_table("generic_dimension.csv")
    got = oq.one_input_shortfalls(rows)
    assert got and all(rows[seed] is r and r["p"] == "1" and r["width"] != "1" for seed, r in got)


def test_escape_groups_add_up():
    e = oq.escape_survey_table(oq.read_table("escape_survey.csv"))
    assert sum(g.count for g in e.groups) == len(oq.read_table("escape_survey.csv"))
    assert all(g.escape + g.other_best + g.undecided == g.count and g.low <= g.escape / g.count <= g.high
               for g in e.groups)
    assert e.near_escape <= e.near_total and e.near_still <= e.near_escape


def test_bias_free_defects_are_all_explained_and_a_wrong_dimension_is_not():
    rows = oq.read_table("polynomial_bias_free.csv")
    t = oq.bias_free_table(rows)
    assert len(t.orthogonal) + len(t.recursive) + len(t.left) == t.defective
    assert t.left == ()
    # a dimension one below the recursive bound is explained by nothing
    bad = [dict(r, dimension=str(int(r["dimension"]) - 1), defect=str(int(r["defect"]) + 1))
           if r is t.recursive[0] else r for r in rows]
    assert len(oq.bias_free_table(bad).left) == 1


def test_biased_shortfalls_split_into_orthogonal_and_rest():
    t = oq.biased_table(oq.read_table("polynomial_biased.csv"))
    assert len(t.orthogonal) + len(t.rest) == len(t.shortfalls)
    assert all(r["r"] == "2" and r["q"] == "1" for r in t.orthogonal)


def test_generic_rank_disagreements_are_listed():
    rows = oq.read_table("generic_rank.csv")
    t = oq.generic_rank_table(rows)
    assert t.agree + len(t.disagree) == t.total == len(rows)
    assert all(r["filling_width"] != r["parameter_count_width"] for r in t.disagree)


def test_network_widths_reads_k_minus_one_hidden_layers():
    assert oq.network_widths({"k": "3", "p": "2", "width": "4", "q": "1"}) == (2, 4, 4, 1)


def test_architecture_state_is_what_the_explorer_figure_shows():
    import matplotlib.pyplot as plt

    from nnlib.viz import generic as viz_generic

    st = oq.architecture_state((2, 3, 3, 1), "relu", 30, seed=1)
    fig = viz_generic.architecture_figure((2, 3, 3, 1), "relu", 30, seed=1)
    title = fig.axes[0].get_title()
    plt.close(fig)
    assert f"computed dim = {st.dimension}," in title and f"m - symmetries = {st.symmetry_bound}" in title
    assert st.cap == min(st.symmetry_bound, 30)


def test_certified_table_refuses_rows_of_another_grid():
    g = [dict(k="3", p="1", width="2", q="1", activation="relu", n="10", dimension="5", shortfall="0")]
    c = [dict(g[0], n="11", lower="5", upper="5", exact="True", method="modular", ranks_mod_p="")]
    with pytest.raises(ValueError, match="does not match"):
        oq.certified_table(g, c)
    c[0]["n"] = "10"
    t = oq.certified_table(g, c)
    assert t.proved == 1 and t.of((1, 2, 2, 1)).exact and t.rows[0].best_random_rank is None


def test_certified_rows_read_the_rank_histogram():
    g = [dict(k="3", p="1", width="4", q="1", activation="relu", n="43", dimension="21", shortfall="4")]
    c = [dict(g[0], lower="23", upper="25", exact="False", method="modular", ranks_mod_p="21:3 23:1")]
    row = oq.certified_table(g, c).rows[0]
    assert (row.best_random_rank, row.evidence_points, row.exact) == (23, 4, False)


def test_polynomial_certificates_certify_the_bias_free_grid():
    pytest.importorskip("flint")
    bf = oq.read_table("polynomial_bias_free.csv")
    pc = oq.certify_polynomial_tables(bf[:6], [])
    assert pc.bias_free_certified == pc.bias_free_total == 6 and pc.agree == 6
