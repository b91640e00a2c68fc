"""Road travel times routed on an OpenStreetMap extract written here in the real format."""

from __future__ import annotations

import hashlib
import json
import math

import osmium
import pandas as pd
import pytest

from observatory.accessibility.osm_routing import cached_osm_travel_times, osm_travel_times, read_road_network
from observatory.accessibility.travel_times import great_circle_km
from observatory.sources.errors import SourceFormatError

A, B, C = (1.00, 47.0), (1.01, 47.0), (1.02, 47.0)


def _extract(path, ways) -> None:
    with osmium.SimpleWriter(str(path)) as writer:
        for number, location in enumerate((A, B, C), start=1):
            writer.add_node(osmium.osm.mutable.Node(id=number, location=location))
        for number, (nodes, tags) in enumerate(ways, start=1):
            writer.add_way(osmium.osm.mutable.Way(id=number, nodes=nodes, tags=tags))


@pytest.fixture
def extract(tmp_path):
    path = tmp_path / "roads.osm.pbf"
    _extract(path, [([1, 2], {"highway": "secondary", "maxspeed": "50"}),
                    ([2, 3], {"highway": "tertiary", "oneway": "yes"}),
                    ([1, 3], {"highway": "footway"})])  # not drivable
    return path


def test_the_network_keeps_drivable_ways_their_speeds_and_one_ways(extract):
    nodes, edges = read_road_network([extract])
    by_node = dict(zip(nodes["node"], nodes.index))
    found = {(int(nodes.at[s, "node"]), int(nodes.at[t, "node"])): m for s, t, m in edges.itertuples(index=False)}
    ab = great_circle_km(*A, *B) / 50 * 60  # maxspeed 50
    bc = great_circle_km(*B, *C) / 40 * 60  # tertiary: 40 km/h (OSRM car profile)
    assert set(found) == {(1, 2), (2, 1), (2, 3)} and set(by_node) == {1, 2, 3}
    assert found[(1, 2)] == pytest.approx(ab) and found[(2, 1)] == pytest.approx(ab)
    assert found[(2, 3)] == pytest.approx(bc)


@pytest.mark.parametrize("tags, directions, speed", [
    ({"highway": "residential", "access": "private"}, set(), None),
    ({"highway": "residential", "access": "no"}, set(), None),
    ({"highway": "residential", "motor_vehicle": "no"}, set(), None),
    ({"highway": "cycleway"}, set(), None),
    ({"highway": "residential", "access": "destination"}, {(1, 2), (2, 1)}, 25.0),
    ({"highway": "motorway"}, {(1, 2)}, 90.0),  # one way unless tagged otherwise
    ({"highway": "motorway_link", "oneway": "no"}, {(1, 2), (2, 1)}, 45.0),
    ({"highway": "primary", "junction": "roundabout"}, {(1, 2)}, 65.0),
    ({"highway": "secondary", "oneway": "-1"}, {(2, 1)}, 55.0),  # against the way's direction
    ({"highway": "secondary", "oneway": "true"}, {(1, 2)}, 55.0),
    ({"highway": "secondary", "oneway": "1"}, {(1, 2)}, 55.0),
    ({"highway": "trunk", "maxspeed": "30 mph"}, {(1, 2), (2, 1)}, 30 * 1.609344),
    ({"highway": "trunk", "maxspeed": " 70 "}, {(1, 2), (2, 1)}, 70.0),
    ({"highway": "trunk", "maxspeed": "FR:rural"}, {(1, 2), (2, 1)}, 85.0),  # not a number: the class's speed
])
def test_each_way_is_kept_or_left_by_its_tags_at_its_speed_and_in_its_directions(tmp_path, tags, directions, speed):
    path = tmp_path / "roads.osm.pbf"
    _extract(path, [([1, 2], tags), ([2, 3], {"highway": "tertiary"})])  # a road for the file to be readable
    nodes, edges = read_road_network([path])
    found = {(int(nodes.at[s, "node"]), int(nodes.at[t, "node"])): m for s, t, m in edges.itertuples(index=False)}
    assert set(found) - {(2, 3), (3, 2)} == directions
    for pair in directions:
        assert found[pair] == pytest.approx(great_circle_km(*A, *B) / speed * 60)


def test_a_way_with_one_located_node_is_no_road(tmp_path):
    path = tmp_path / "roads.osm.pbf"
    _extract(path, [([1, 99], {"highway": "primary"}), ([2, 3], {"highway": "tertiary"})])  # node 99 has no location
    nodes, edges = read_road_network([path])
    assert sorted(nodes["node"]) == [2, 3] and len(edges) == 2


def test_two_regional_extracts_make_one_network(tmp_path):
    """Geofabrik cuts by région: a trip from one extract into the next is routed across the
    cut, through the road both extracts hold."""
    west, east = tmp_path / "centre-latest.osm.pbf", tmp_path / "pays-de-la-loire-latest.osm.pbf"
    _extract(west, [([1, 2], {"highway": "secondary", "maxspeed": "50"})])
    _extract(east, [([1, 2], {"highway": "secondary", "maxspeed": "50"}), ([2, 3], {"highway": "tertiary"})])
    communes = pd.DataFrame({"commune_code": ["a", "c"], "lon": [A[0], C[0]], "lat": [A[1], C[1]]})
    expected = great_circle_km(*A, *B) / 50 * 60 + great_circle_km(*B, *C) / 40 * 60
    assert osm_travel_times(communes, [west, east], 20.0).values.tolist() == [
        ["a", "c", pytest.approx(expected)], ["c", "a", pytest.approx(expected)]]
    alone = osm_travel_times(communes, [west], 20.0)  # c then joins the first extract's last node off-road
    assert alone["minutes"].min() > expected + 0.5
    empty = tmp_path / "empty.osm.pbf"
    _extract(empty, [([1, 3], {"highway": "footway"})])
    with pytest.raises(SourceFormatError, match="empty.osm.pbf.*no drivable road"):
        read_road_network([west, empty])


def test_times_between_communes_follow_the_roads(extract):
    communes = pd.DataFrame({"commune_code": ["a", "c"], "lon": [A[0], C[0]], "lat": [A[1], C[1]]})
    pairs = osm_travel_times(communes, [extract], 20.0)
    expected = great_circle_km(*A, *B) / 50 * 60 + great_circle_km(*B, *C) / 40 * 60
    assert pairs.values.tolist() == [["a", "c", pytest.approx(expected)]]  # c → a: one way, no road back
    assert osm_travel_times(communes, [extract], expected - 0.01).empty  # the cut-off holds
    assert len(osm_travel_times(communes, [extract], pairs["minutes"].iloc[0])) == 1  # and includes its bound


def test_communes_routed_in_batches_give_the_same_pairs(extract, monkeypatch):
    import observatory.accessibility.osm_routing as routing

    communes = pd.DataFrame({"commune_code": ["a", "b", "c"], "lon": [A[0], B[0], C[0]], "lat": [A[1], B[1], C[1]]})
    whole = osm_travel_times(communes, [extract], 20.0)
    monkeypatch.setattr(routing, "BATCH", 2)  # two batches: a and b, then c
    pd.testing.assert_frame_equal(osm_travel_times(communes, [extract], 20.0), whole)
    monkeypatch.setattr(routing, "BATCH", 1)
    pd.testing.assert_frame_equal(osm_travel_times(communes, [extract], 20.0), whole)
    assert sorted(zip(whole["origin"], whole["destination"])) == [("a", "b"), ("a", "c"), ("b", "a"), ("b", "c")]


def test_routed_times_are_cached_until_the_extract_changes(extract, tmp_path, monkeypatch):
    communes = pd.DataFrame({"commune_code": ["a", "c"], "lon": [A[0], C[0]], "lat": [A[1], C[1]]})
    first = cached_osm_travel_times(communes, [extract], 20.0, tmp_path / "cache")
    import observatory.accessibility.osm_routing as routing

    monkeypatch.setattr(routing, "read_road_network", lambda path: pytest.fail("routed again"))
    pd.testing.assert_frame_equal(cached_osm_travel_times(communes, [extract], 20.0, tmp_path / "cache"), first)
    renumbered = communes.set_axis([5, 9])  # the same communes and points: the same cache, whatever the rows' index
    pd.testing.assert_frame_equal(cached_osm_travel_times(renumbered, [extract], 20.0, tmp_path / "cache"), first)
    (record,) = (tmp_path / "cache").glob("*.origin.json")
    assert json.loads(record.read_text(encoding="utf-8")) == {
        "extracts": ["roads.osm.pbf"], "extracts_sha256": [hashlib.sha256(extract.read_bytes()).hexdigest()],
        "communes": 2, "max_minutes": 20.0, "pairs": len(first)}
    extract.unlink()
    _extract(extract, [([1, 2, 3], {"highway": "primary"})])
    monkeypatch.undo()
    changed = cached_osm_travel_times(communes, [extract], 20.0, tmp_path / "cache")
    assert changed["minutes"].iloc[0] < first["minutes"].iloc[0]  # a faster road, routed anew


def test_an_extract_without_roads_is_refused(tmp_path):
    path = tmp_path / "empty.osm.pbf"
    _extract(path, [([1, 2], {"building": "yes"})])
    with pytest.raises(SourceFormatError, match=r"empty\.osm\.pbf, field 'highway': no drivable road in this"):
        read_road_network([path])


def test_an_extract_that_is_not_pbf_is_refused_naming_it(tmp_path):
    path = tmp_path / "centre-latest.osm.pbf"
    path.write_bytes(b"<html>404 Not Found</html>")  # what a failed download leaves
    with pytest.raises(SourceFormatError, match=r"centre-latest\.osm\.pbf: unreadable OpenStreetMap extract: .+"):
        read_road_network([path])


def test_a_matrix_file_comes_before_the_extract(extract, tmp_path):
    from observatory.accessibility.providers import travel_times
    from observatory.settings import Settings

    communes = pd.DataFrame({"commune_code": ["a", "c"], "lon": [A[0], C[0]], "lat": [A[1], C[1]],
                             "area_km2": [10.0, 10.0]})
    matrix = tmp_path / "matrix.csv"
    matrix.write_text("origin,destination,minutes\na,c,7\n")
    settings = Settings(data_dir=tmp_path, territory="41", travel_matrix=matrix)
    pairs, method = travel_times(communes, settings, osm_extracts=[extract])
    assert "matrice" in method and pairs.loc[pairs["origin"] != pairs["destination"], "minutes"].tolist() == [7.0]
    pairs, method = travel_times(communes, Settings(data_dir=tmp_path, territory="41"), osm_extracts=[extract])
    assert len(pairs) == 3  # a → c, and each commune with itself
    assert method == ("temps de trajet routiers calculés sur OpenStreetMap (roads.osm.pbf) : vitesse affichée "
                      "(maxspeed) ou, à défaut, celle du profil voiture d'OSRM pour le type de route")
    # Each commune's own time comes from the road model, here at the speed fitted on the official APL.
    fitted, _ = travel_times(communes, Settings(data_dir=tmp_path, territory="41"), osm_extracts=[extract],
                             calibration=pd.DataFrame({"speed_fitted_kmh": [30.0]}))
    own = fitted.loc[fitted["origin"] == fitted["destination"], "minutes"]
    assert own.tolist() == pytest.approx([2 / 3 * (10.0 / math.pi) ** 0.5 * 1.3 / 30.0 * 60.0] * 2)


def test_the_demo_routes_on_its_own_extract(demo_build, demo_raw):
    """The generator writes the demo's roads as an OpenStreetMap extract; the build routes on it."""
    assert demo_raw["osm_extract"].name == "reseau_routier.osm.pbf"
    nodes, edges = read_road_network([demo_raw["osm_extract"]])
    assert len(nodes) > 270 and len(edges) > 2 * 270
    method = (demo_build.settings.site_dir / "methode.html").read_text(encoding="utf-8")
    assert "temps de trajet routiers calculés sur OpenStreetMap (reseau_routier.osm.pbf)" in method
    cache = list((demo_build.settings.staging_dir / "travel_times").glob("osm_travel_times-*.parquet"))
    assert len(cache) == 1 and len(pd.read_parquet(cache[0])) > 270


def test_a_way_against_its_direction_keeps_each_segment_s_time_and_a_commune_off_the_road_walks_to_it(tmp_path):
    """Segments of unequal length at different latitudes, on a way one-way against its
    direction (« oneway=-1 »): each reversed edge keeps its own segment's minutes. A
    motorway link is one-way unless tagged otherwise. A commune off the network joins its
    nearest node at 30 km/h × 1.3, by hand."""
    points = {1: (1.00, 47.00), 2: (1.01, 47.02), 3: (1.05, 47.021), 4: (1.06, 47.03)}
    path = tmp_path / "roads.osm.pbf"
    with osmium.SimpleWriter(str(path)) as writer:
        for number, location in points.items():
            writer.add_node(osmium.osm.mutable.Node(id=number, location=location))
        writer.add_way(osmium.osm.mutable.Way(id=1, nodes=[1, 2, 3], tags={"highway": "secondary", "oneway": "-1"}))
        writer.add_way(osmium.osm.mutable.Way(id=2, nodes=[3, 4], tags={"highway": "motorway_link"}))
    nodes, edges = read_road_network([path])
    found = {(int(nodes.at[s, "node"]), int(nodes.at[t, "node"])): m for s, t, m in edges.itertuples(index=False)}
    first, second = (great_circle_km(*points[1], *points[2]) / 55 * 60,
                     great_circle_km(*points[2], *points[3]) / 55 * 60)
    link = great_circle_km(*points[3], *points[4]) / 45 * 60
    assert found == {(2, 1): pytest.approx(first), (3, 2): pytest.approx(second), (3, 4): pytest.approx(link)}
    off_road = (1.00, 46.995)  # south of node 1
    communes = pd.DataFrame({"commune_code": ["x", "m", "e"], "lon": [off_road[0], 1.01, 1.05],
                             "lat": [off_road[1], 47.02, 47.021]})
    pairs = osm_travel_times(communes, [path], 60.0).set_index(["origin", "destination"])["minutes"]
    walk = great_circle_km(*off_road, *points[1]) * 1.3 / 30 * 60
    assert pairs[("e", "m")] == pytest.approx(second)
    assert pairs[("e", "x")] == pytest.approx(second + first + walk)
    assert ("x", "e") not in pairs.index  # against the one-way street: no way back
