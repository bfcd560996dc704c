<?php

namespace App\Controller;

use Sensio\Bundle\FrameworkExtraBundle\Configuration\Route;
use Symfony\Component\HttpFoundation\Response;

/**
 * @Route("/feed")
 */
class FeedController
{
    /**
     * Atom feed of the latest posts.
     *
     * @Route("/atom.xml", name="feed_atom", methods={"GET"}) expect: entrypoints-php
     */
    public function atom(): Response
    {
        return new Response('<feed/>', 200, ['Content-Type' => 'application/atom+xml']);
    }
}
