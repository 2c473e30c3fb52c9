"""Queries run through ONNX Runtime, on the model exported once per install (`manage.py
search_prepare_model`, run by `make setup`): the same numbers as the model's own pass, or
that pass itself when the exported model is missing, damaged or wrong."""

import gc
import logging
import os

import numpy as np
import onnx
import pytest
from django.core.management import CommandError, call_command
from onnx import TensorProto, helper

from hub.search import embedding


def on_model_thread(function, *args):
    return embedding._model_thread.submit(function, *args).result()


@pytest.mark.parametrize("text", [
    "hospital",
    "stop people missing hospital appointments",
    "?!",
    "Düsseldorf's café: naïve résumés",
    "word " * 400,  # longer than the model reads: cut at the same place
])
def test_a_query_is_encoded_by_the_query_model_exactly_as_by_the_model_itself(text):
    assert on_model_thread(embedding._query_model) is not None  # `make setup` exported it
    ours = on_model_thread(embedding._encode_one, text)
    [model_s] = embedding.encode([text])
    assert ours.pieces.tolist() == model_s.pieces.tolist()
    assert np.allclose(ours.vector, model_s.vector, atol=1e-5)
    assert np.allclose(ours.tokens, model_s.tokens, atol=1e-5)


@pytest.fixture
def model_dir(settings, tmp_path, monkeypatch):
    """An empty place for the query model, and a process that has not looked for it yet."""
    settings.SEARCH_MODEL_DIR = tmp_path / "models"
    monkeypatch.setattr(embedding, "_query_session", None)
    return settings.SEARCH_MODEL_DIR


def answers_as_the_model_does(text: str, *, exactly: bool) -> bool:
    """Whether a query is encoded as the model's own pass encodes it: to the last bit
    (``exactly``: it is that pass), or within 1e-5 (ONNX Runtime's arithmetic)."""
    ours = on_model_thread(embedding._encode_one, text)
    [model_s] = embedding.encode([text])
    same = np.array_equal if exactly else (lambda a, b: np.allclose(a, b, rtol=0, atol=1e-5))
    return (ours.pieces.tolist() == model_s.pieces.tolist()
            and same(ours.vector, model_s.vector) and same(ours.tokens, model_s.tokens))


def test_without_the_query_model_queries_use_the_models_own_pass_and_say_how_to_mend_it(
        model_dir, caplog):
    with caplog.at_level(logging.WARNING, logger="hub.search.embedding"):
        assert answers_as_the_model_does("stop people missing hospital appointments",
                                         exactly=True)
    assert embedding._query_session is False  # not looked for again on every query
    assert "manage.py search_prepare_model" in caplog.text


def test_once_the_models_are_loaded_their_objects_are_kept_out_of_the_collectors_way(
        model_dir, monkeypatch):
    # Python's collector would otherwise walk the ~500,000 objects of torch, transformers and
    # the rest at every full collection, and a search would wait 250–290 ms for it.
    monkeypatch.setattr(embedding, "_model", None)  # as in a process that has not loaded it
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        on_model_thread(embedding.model)
        assert gc.get_freeze_count() > 100_000
        gc.unfreeze()
        on_model_thread(embedding._encode_one, "a question")  # looks for the query model
        assert gc.get_freeze_count() > 100_000
    finally:
        gc.freeze()


def test_a_damaged_query_model_is_not_used(model_dir, caplog):
    path = embedding.query_model_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a model")
    with caplog.at_level(logging.WARNING, logger="hub.search.embedding"):
        assert answers_as_the_model_does("letters that get people to pay tax on time",
                                         exactly=True)
    assert embedding._query_session is False
    assert "Could not read the query model" in caplog.text


def test_a_query_model_that_cannot_be_looked_for_is_not_used(model_dir, caplog, monkeypatch):
    def unreadable(*args, **kwargs):
        raise PermissionError("Permission denied")

    monkeypatch.setattr(embedding.Path, "exists", unreadable)
    with caplog.at_level(logging.WARNING, logger="hub.search.embedding"):
        assert answers_as_the_model_does("stop people missing hospital appointments",
                                         exactly=True)
    assert embedding._query_session is False  # searches go on, without looking again
    assert "SEARCH_MODEL_DIR" in caplog.text


def wrong_model() -> onnx.ModelProto:
    """A graph with the query model's inputs and output that runs, but answers every piece
    with the same vector of ones."""
    ones = helper.make_tensor("ones", TensorProto.FLOAT, [embedding.DIMENSIONS],
                              [1.0] * embedding.DIMENSIONS)
    axes = helper.make_tensor("axes", TensorProto.INT64, [1], [2])
    graph = helper.make_graph(
        [helper.make_node("Unsqueeze", ["attention_mask", "axes"], ["mask3"]),
         helper.make_node("Cast", ["mask3"], ["mask_float"], to=TensorProto.FLOAT),
         helper.make_node("Mul", ["mask_float", "ones"], ["last_hidden_state"])],
        "wrong",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, "pieces"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, [1, "pieces"])],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT,
                                       [1, "pieces", embedding.DIMENSIONS])],
        initializer=[ones, axes])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def test_a_query_model_that_gives_other_numbers_is_not_used(model_dir, caplog):
    path = embedding.query_model_path()
    path.parent.mkdir(parents=True)
    onnx.save(wrong_model(), str(path))
    with caplog.at_level(logging.WARNING, logger="hub.search.embedding"):
        assert answers_as_the_model_does("stop people missing hospital appointments",
                                         exactly=True)
    assert embedding._query_session is False
    assert "does not give the model's numbers" in caplog.text


def test_the_command_exports_the_query_model_once_and_mends_a_wrong_one(model_dir):
    out = []
    stamp = model_dir.parent / "stamp"
    call_command("search_prepare_model", stamp=stamp, stdout=_Lines(out))
    path = embedding.query_model_path()
    assert path.parent == model_dir and path.exists()
    assert "Exported" in out[-1]
    assert stamp.read_text().strip() == str(path)  # for make to notice when it is gone
    assert [p.name for p in model_dir.iterdir()] == [path.name]  # nothing half-written left
    assert answers_as_the_model_does("stop people missing hospital appointments", exactly=False)
    assert embedding._query_session  # the exported model, used

    written = path.stat().st_mtime_ns
    call_command("search_prepare_model", stdout=_Lines(out))
    assert "ready" in out[-1] and path.stat().st_mtime_ns == written  # not exported again

    onnx.save(wrong_model(), str(path))
    call_command("search_prepare_model", stdout=_Lines(out))
    assert any("exporting it again" in line for line in out)
    assert embedding.check_query_model(path)


def test_an_export_that_gives_other_numbers_is_not_kept_and_the_command_fails(model_dir,
                                                                             monkeypatch):
    def export_wrong(path):
        onnx.save(wrong_model(), str(path))

    monkeypatch.setattr(embedding, "_export_query_model", export_wrong)
    stamp = model_dir.parent / "stamp"
    with pytest.raises(CommandError, match="does not give the model's own numbers"):
        call_command("search_prepare_model", stamp=stamp, stdout=_Lines([]))
    assert not embedding.query_model_path().exists()
    assert list(model_dir.iterdir()) == []  # nor any half-written file
    assert not stamp.exists()  # so make tries again


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> bytes:
    """A good query model, exported once for the tests that need one in place."""
    path = tmp_path_factory.mktemp("exported") / "query.onnx"
    assert embedding.export_query_model(path)
    return path.read_bytes()


def put_in_place(exported: bytes):
    path = embedding.query_model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(exported)
    return path


def test_a_failed_export_leaves_a_good_model_another_process_wrote_in_place(model_dir, exported,
                                                                           monkeypatch):
    path = put_in_place(exported)

    def export_wrong(partial):
        onnx.save(wrong_model(), str(partial))

    monkeypatch.setattr(embedding, "_export_query_model", export_wrong)
    assert embedding.export_query_model(path) is False
    assert path.read_bytes() == exported
    assert [p.name for p in model_dir.iterdir()] == [path.name]


def test_the_command_records_where_the_model_is_for_make(model_dir, exported):
    path = put_in_place(exported)
    stamp = model_dir.parent / "make" / "model"
    out = []
    call_command("search_prepare_model", stamp=stamp, stdout=_Lines(out))
    assert "ready" in out[-1]
    assert stamp.read_text().strip() == str(path)


def test_half_written_files_of_killed_exports_are_removed(model_dir, exported):
    import subprocess
    import sys

    path = put_in_place(exported)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    abandoned = embedding._partial_path(path, int(gone))
    abandoned.write_bytes(b"half a model")
    ours = embedding._partial_path(path, os.getpid())  # an export under way
    ours.write_bytes(b"being written")
    elsewhere = path.with_name(f".{path.name}.partial.another-host.example.{gone}")
    elsewhere.write_bytes(b"another host's export, under way for all we know")
    call_command("search_prepare_model", stdout=_Lines([]))
    assert sorted(p.name for p in model_dir.iterdir()) == sorted(
        [path.name, ours.name, elsewhere.name])


class _Lines:
    """A stdout for call_command that keeps each line written."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def write(self, text: str) -> None:
        self.lines.extend(line for line in text.splitlines() if line)

    def flush(self) -> None:
        pass
