"""A campaign of ten with the offline engine over the bundled knowledge: drafted quickly, no invented titles."""

from __future__ import annotations

from bot.pipeline.campaign import fabricated_titles, plan_campaign
from bot.pipeline.models import Stage
from bot.pipeline.store import PipelineStore


def test_a_campaign_of_ten_drafts_quickly_and_quotes_only_the_candidates_own_titles(assistant, tmp_path):
    store = PipelineStore(f"sqlite:///{tmp_path / 'pipeline.sqlite3'}")
    hits = assistant.find("dialogue systems", k=2)
    store.set_stage(hits[0].candidate.id, Stage.DO_NOT_CONTACT, "tg:1")
    campaign = plan_campaign(assistant, store, "dialogue systems", 10, cooldown_days=90, actor="tg:1")
    fabricated = [t for item in campaign.items
                  for t in fabricated_titles(item.draft, assistant.papers_of(item.candidate.id))]
    print(f"\ncampaign of {len(campaign.items)}: all drafts in {campaign.seconds:.2f} s, "
          f"fabricated titles {len(fabricated)}")
    assert len(campaign.items) == 10 and fabricated == []
    assert hits[0].candidate.id not in {i.candidate.id for i in campaign.items}
    assert all(i.draft.cited_paper_ids and set(i.draft.cited_paper_ids) <= set(i.candidate.paper_ids)
               for i in campaign.items)
    assert campaign.seconds < 10
