/*
 * The admin side of cms/core/blocks/labelled_stream.py: a StreamBlock whose "+" buttons
 * carry words ("Add an article or a link") instead of a bare icon.
 *
 * Wagtail's StreamBlock creates its add buttons as children are inserted, moved and
 * deleted, so the label is applied whenever the block's own list changes. Buttons of
 * streams nested inside this one are left as they are.
 */
(() => {
  const { StreamBlockDefinition } = window.wagtailStreamField.blocks;

  class LabelledStreamBlockDefinition extends StreamBlockDefinition {
    render(placeholder, prefix, initialState, initialError) {
      const block = super.render(placeholder, prefix, initialState, initialError);
      const label = this.meta.addLabel;
      const list = block.sequenceContainer.get(0);

      const labelButtons = () => {
        list.querySelectorAll('button.c-sf-add-button').forEach((button) => {
          const ownList = button.closest('[data-streamfield-stream-container]');
          if (ownList !== list || button.classList.contains('newsdesk-add-button')) {
            return;
          }
          button.classList.add('newsdesk-add-button');
          button.title = label;
          const text = document.createElement('span');
          text.className = 'newsdesk-add-button__label';
          text.textContent = label;
          button.append(text);
        });
      };

      labelButtons();
      new MutationObserver(labelButtons).observe(list, { childList: true, subtree: true });
      return block;
    }
  }

  window.telepath.register('cms.blocks.LabelledStreamBlock', LabelledStreamBlockDefinition);
})();
